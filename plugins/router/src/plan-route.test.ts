import { type ChatContext, createMemoryStore, type EmbeddingsContext, type GatewayContext, silentLogger } from '@switchyard/core';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import type { ChatRequest, ProviderV1 } from '@switchyard/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompiledNode, compileRoutes } from './compile-routes.js';
import { DeploymentStats } from './deployment-stats.js';
import { type PlannedTarget, planRoute, sharedGroup } from './plan-route.js';
import { aliasSchema } from './route-schema.js';

// Real providers; planning never calls them, so the unreachable base URL is never used.
const providerList = ['openai', 'anthropic', 'azure'].map((id) =>
  createOpenAICompatibleProvider({ id, baseURL: 'http://127.0.0.1:9/v1' }),
);
const providers: ReadonlyMap<string, ProviderV1> = new Map(providerList.map((provider) => [provider.id, provider]));

afterAll(async () => {
  await Promise.all(providerList.map((provider) => provider.close?.()));
});

/** Compiles one alias from config (validated by the schema, as a config file would be). */
function tree(config: unknown): CompiledNode {
  const root = compileRoutes({ alias: aliasSchema.parse(config) }, providers).get('alias')?.root;
  if (!root) throw new Error('the alias did not compile');
  return root;
}

interface ContextOptions {
  headers?: Record<string, string>;
  request?: Partial<ChatRequest>;
  prompt?: string;
}

/**
 * A minimal chat context for planning. planRoute and compiled conditions read only `operation`,
 * `request` and `http.headers`; the other fields are inert placeholders that satisfy the type.
 */
function chatContext({ headers = {}, request = {}, prompt = 'hello' }: ContextOptions = {}): ChatContext {
  return {
    operation: 'chat',
    request: { model: 'alias', messages: [{ role: 'user', content: prompt }], ...request },
    http: { method: 'POST', path: '/v1/chat/completions', headers, ip: undefined },
    requestId: 'test-request',
    startedAt: 0,
    dialect: 'openai',
    responseHeaders: {},
    state: {},
    signal: new AbortController().signal,
    log: silentLogger,
    waitUntil: () => {},
    onFinish: () => {},
  };
}

/** The same placeholders around an embeddings request. */
function embeddingsContext(headers: Record<string, string> = {}): EmbeddingsContext {
  return { ...chatContext({ headers }), operation: 'embeddings', request: { model: 'alias', input: 'text' } };
}

function newStats(): DeploymentStats {
  return new DeploymentStats(createMemoryStore());
}

function planIds(
  root: CompiledNode,
  context: GatewayContext = chatContext(),
  stats = newStats(),
  random = Math.random,
): string[] {
  return planRoute(root, { context, stats, random }).map((entry) => entry.deployment.id);
}

/** A small deterministic generator (mulberry32) so the exploration checks do not depend on luck. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('planRoute: fallback', () => {
  it('keeps the configured order, whatever the randomness', () => {
    const root = tree({ targets: [{ model: 'openai/a' }, { model: 'anthropic/b' }, { model: 'azure/c' }] });
    for (const value of [0, 0.5, 0.999])
      expect(planIds(root, chatContext(), newStats(), () => value)).toEqual(['openai/a', 'anthropic/b', 'azure/c']);
  });

  it('plans a single deployment on its own', () => {
    expect(planIds(tree({ model: 'openai/a' }))).toEqual(['openai/a']);
  });

  it('flattens nested groups depth-first', () => {
    const root = tree({
      targets: [
        { targets: [{ model: 'openai/a' }, { model: 'openai/b' }] },
        { model: 'azure/c' },
        { targets: [{ model: 'openai/d' }] },
      ],
    });
    expect(planIds(root)).toEqual(['openai/a', 'openai/b', 'azure/c', 'openai/d']);
  });
});

describe('planRoute: weighted', () => {
  it('puts each target first in proportion to its weight (70/25/5 over 20,000 plans)', () => {
    const root = tree({
      strategy: 'weighted',
      targets: [
        { model: 'openai/a', weight: 70 },
        { model: 'anthropic/b', weight: 25 },
        { model: 'azure/c', weight: 5 },
      ],
    });
    const stats = newStats();
    const context = chatContext();
    const firsts = new Map<string, number>();
    const plans = 20_000;
    for (let index = 0; index < plans; index++) {
      const ids = planIds(root, context, stats);
      expect([...ids].sort()).toEqual(['anthropic/b', 'azure/c', 'openai/a']);
      const first = ids[0] ?? '';
      firsts.set(first, (firsts.get(first) ?? 0) + 1);
    }
    expect(Math.abs((firsts.get('openai/a') ?? 0) / plans - 0.7)).toBeLessThanOrEqual(0.02);
    expect(Math.abs((firsts.get('anthropic/b') ?? 0) / plans - 0.25)).toBeLessThanOrEqual(0.02);
    expect(Math.abs((firsts.get('azure/c') ?? 0) / plans - 0.05)).toBeLessThanOrEqual(0.02);
  });
});

describe('planRoute: latency', () => {
  const root = (explore: number) =>
    tree({
      strategy: 'latency',
      explore,
      targets: [{ model: 'openai/slow' }, { model: 'anthropic/fast' }, { model: 'azure/medium' }],
    });
  const measured = () => {
    const stats = newStats();
    stats.recordLatency('openai/slow', 900);
    stats.recordLatency('anthropic/fast', 100);
    stats.recordLatency('azure/medium', 400);
    return stats;
  };

  it('orders by recorded latency, lowest first, when it does not explore', () => {
    const stats = measured();
    const random = seededRandom(1);
    for (let index = 0; index < 50; index++) {
      expect(planIds(root(0), chatContext(), stats, random)).toEqual(['anthropic/fast', 'azure/medium', 'openai/slow']);
    }
  });

  it('follows latency as it changes', () => {
    const stats = measured();
    for (let index = 0; index < 20; index++) stats.recordLatency('anthropic/fast', 2_000);
    expect(planIds(root(0), chatContext(), stats, () => 0.5)).toEqual(['azure/medium', 'openai/slow', 'anthropic/fast']);
  });

  it('shuffles when it explores', () => {
    const stats = measured();
    const random = seededRandom(7);
    const orders = new Set<string>();
    for (let index = 0; index < 200; index++) {
      const ids = planIds(root(1), chatContext(), stats, random);
      expect([...ids].sort()).toEqual(['anthropic/fast', 'azure/medium', 'openai/slow']);
      orders.add(ids.join(','));
    }
    expect(orders.size).toBe(6);
  });
});

describe('planRoute: cost', () => {
  const root = tree({
    strategy: 'cost',
    targets: [
      { model: 'azure/unpriced' },
      { model: 'openai/cheap-input', price: { input: 1, output: 100 } },
      { model: 'anthropic/cheap-output', price: { input: 10, output: 1 } },
    ],
  });

  it('orders by estimated price for a long prompt with a short answer', () => {
    // 4,000 characters ≈ 1,000 input tokens, 10 output tokens: 1·1000 + 100·10 < 10·1000 + 1·10.
    const context = chatContext({ prompt: 'x'.repeat(4_000), request: { max_tokens: 10 } });
    expect(planIds(root, context)).toEqual(['openai/cheap-input', 'anthropic/cheap-output', 'azure/unpriced']);
  });

  it('orders by estimated price for a short prompt with a long answer', () => {
    // 4 characters ≈ 1 input token, 1,000 output tokens: 10·1 + 1·1000 < 1·1 + 100·1000.
    const context = chatContext({ prompt: 'abcd', request: { max_tokens: 1_000 } });
    expect(planIds(root, context)).toEqual(['anthropic/cheap-output', 'openai/cheap-input', 'azure/unpriced']);
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    // 400 characters ≈ 100 input tokens, 1 output token: 1·100 + 100·1 < 10·100 + 1·1 (max_tokens 1,000 would flip it).
    const context = chatContext({ prompt: 'x'.repeat(400), request: { max_tokens: 1_000, max_completion_tokens: 1 } });
    expect(planIds(root, context)[0]).toBe('openai/cheap-input');
  });
});

describe('planRoute: least-busy', () => {
  it('orders by requests in flight, fewest first', () => {
    const root = tree({
      strategy: 'least-busy',
      targets: [{ model: 'openai/a' }, { model: 'anthropic/b' }, { model: 'azure/c' }],
    });
    const stats = newStats();
    stats.begin('openai/a');
    stats.begin('anthropic/b');
    stats.begin('anthropic/b');
    const random = seededRandom(3);
    for (let index = 0; index < 20; index++)
      expect(planIds(root, chatContext(), stats, random)).toEqual(['azure/c', 'openai/a', 'anthropic/b']);
    stats.end('anthropic/b');
    stats.end('anthropic/b');
    stats.begin('azure/c');
    stats.begin('azure/c');
    expect(planIds(root, chatContext(), stats, random)).toEqual(['anthropic/b', 'openai/a', 'azure/c']);
  });

  it('breaks ties at random', () => {
    const root = tree({ strategy: 'least-busy', targets: [{ model: 'openai/a' }, { model: 'anthropic/b' }] });
    const random = seededRandom(11);
    const firsts = new Set<string>();
    for (let index = 0; index < 50; index++) firsts.add(planIds(root, chatContext(), newStats(), random)[0] ?? '');
    expect(firsts).toEqual(new Set(['openai/a', 'anthropic/b']));
  });

  it('counts a nested group by the sum of its requests in flight', () => {
    const root = tree({
      strategy: 'least-busy',
      targets: [{ targets: [{ model: 'openai/a' }, { model: 'openai/b' }] }, { model: 'azure/c' }],
    });
    const stats = newStats();
    stats.begin('openai/a');
    stats.begin('openai/b');
    stats.begin('azure/c');
    expect(planIds(root, chatContext(), stats)).toEqual(['azure/c', 'openai/a', 'openai/b']);
  });
});

describe('planRoute: conditional', () => {
  const conditional = (rules: Array<{ when: unknown; target: unknown }>, fallback?: unknown) =>
    tree({ strategy: 'conditional', rules, ...(fallback === undefined ? {} : { default: fallback }) });

  it('matches a header exactly, by its lower-cased name', () => {
    const root = conditional([{ when: { headers: { 'X-Tier': 'pro' } }, target: { model: 'openai/pro' } }], {
      model: 'azure/basic',
    });
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'pro' } }))).toEqual(['openai/pro']);
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'professional' } }))).toEqual(['azure/basic']);
    expect(planIds(root, chatContext())).toEqual(['azure/basic']);
  });

  it('matches a header against a /regex/', () => {
    const root = conditional([{ when: { headers: { 'x-tier': '/^pro(-|$)/' } }, target: { model: 'openai/pro' } }], {
      model: 'azure/basic',
    });
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'pro-eu' } }))).toEqual(['openai/pro']);
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'pro' } }))).toEqual(['openai/pro']);
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'professional' } }))).toEqual(['azure/basic']);
    expect(planIds(root, chatContext())).toEqual(['azure/basic']);
  });

  it('matches request metadata', () => {
    const root = conditional([{ when: { metadata: { team: 'search' } }, target: { model: 'openai/search' } }], {
      model: 'azure/other',
    });
    expect(planIds(root, chatContext({ request: { metadata: { team: 'search', user: 'u1' } } }))).toEqual(['openai/search']);
    expect(planIds(root, chatContext({ request: { metadata: { team: 'ads' } } }))).toEqual(['azure/other']);
    expect(planIds(root, chatContext())).toEqual(['azure/other']);
  });

  it('matches the language of the last user message', () => {
    const root = conditional(
      [
        { when: { language: ['zh'] }, target: { model: 'azure/qwen' } },
        { when: { language: ['ja', 'ko'] }, target: { model: 'anthropic/cjk' } },
      ],
      { model: 'openai/default' },
    );
    expect(planIds(root, chatContext({ prompt: '请帮我总结一下这篇文章' }))).toEqual(['azure/qwen']);
    expect(planIds(root, chatContext({ prompt: 'この文章を要約してください' }))).toEqual(['anthropic/cjk']);
    expect(planIds(root, chatContext({ prompt: '이 글을 요약해 주세요' }))).toEqual(['anthropic/cjk']);
    expect(planIds(root, chatContext({ prompt: 'Summarise this article' }))).toEqual(['openai/default']);
  });

  it('matches prompt length bounds, inclusive', () => {
    const root = conditional(
      [
        { when: { maxPromptChars: 10 }, target: { model: 'openai/short' } },
        { when: { minPromptChars: 11, maxPromptChars: 100 }, target: { model: 'anthropic/medium' } },
      ],
      { model: 'azure/long' },
    );
    expect(planIds(root, chatContext({ prompt: 'x'.repeat(10) }))).toEqual(['openai/short']);
    expect(planIds(root, chatContext({ prompt: 'x'.repeat(11) }))).toEqual(['anthropic/medium']);
    expect(planIds(root, chatContext({ prompt: 'x'.repeat(100) }))).toEqual(['anthropic/medium']);
    expect(planIds(root, chatContext({ prompt: 'x'.repeat(101) }))).toEqual(['azure/long']);
  });

  it('matches whether the request has tools', () => {
    const root = conditional([{ when: { hasTools: true }, target: { model: 'openai/tools' } }], { model: 'azure/plain' });
    const tools = [{ type: 'function', function: { name: 'lookup' } }];
    expect(planIds(root, chatContext({ request: { tools } }))).toEqual(['openai/tools']);
    expect(planIds(root, chatContext({ request: { tools: [] } }))).toEqual(['azure/plain']);
    expect(planIds(root, chatContext())).toEqual(['azure/plain']);
    const withoutTools = conditional([{ when: { hasTools: false }, target: { model: 'openai/plain' } }]);
    expect(planIds(withoutTools, chatContext())).toEqual(['openai/plain']);
    expect(planIds(withoutTools, chatContext({ request: { tools } }))).toEqual([]);
  });

  it('requires every condition of a rule and takes the first matching rule', () => {
    const root = conditional(
      [
        { when: { headers: { 'x-tier': 'pro' }, language: ['zh'] }, target: { model: 'openai/pro-zh' } },
        { when: { headers: { 'x-tier': 'pro' } }, target: { model: 'openai/pro' } },
        { when: {}, target: { model: 'azure/anyone' } },
      ],
      { model: 'anthropic/never' },
    );
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'pro' }, prompt: '你好世界' }))).toEqual(['openai/pro-zh']);
    expect(planIds(root, chatContext({ headers: { 'x-tier': 'pro' }, prompt: 'hello' }))).toEqual(['openai/pro']);
    expect(planIds(root, chatContext({ prompt: '你好世界' }))).toEqual(['azure/anyone']);
  });

  it('plans nothing when no rule matches and there is no default', () => {
    const root = conditional([{ when: { headers: { 'x-tier': 'pro' } }, target: { model: 'openai/pro' } }]);
    expect(planRoute(root, { context: chatContext(), stats: newStats(), random: Math.random })).toEqual([]);
  });

  it('matches embeddings requests on headers only', () => {
    const root = conditional(
      [
        { when: { language: ['zh'] }, target: { model: 'openai/zh' } },
        { when: { headers: { 'x-tier': 'pro' } }, target: { model: 'openai/pro' } },
      ],
      { model: 'azure/basic' },
    );
    expect(planIds(root, embeddingsContext({ 'x-tier': 'pro' }))).toEqual(['openai/pro']);
    expect(planIds(root, embeddingsContext())).toEqual(['azure/basic']);
  });
});

describe('sharedGroup', () => {
  const root = tree({
    targets: [{ strategy: 'weighted', targets: [{ model: 'openai/a' }, { model: 'anthropic/b' }] }, { model: 'azure/c' }],
  });
  const plan = (): PlannedTarget[] => planRoute(root, { context: chatContext(), stats: newStats(), random: () => 0.5 });
  const entry = (entries: PlannedTarget[], id: string): PlannedTarget => {
    const found = entries.find((candidate) => candidate.deployment.id === id);
    if (!found) throw new Error(`${id} is not planned`);
    return found;
  };

  it('records the groups of each entry, outermost first', () => {
    const entries = plan();
    if (root.kind !== 'group') throw new Error('expected a group');
    expect(entry(entries, 'openai/a').groups).toEqual([root, root.children[0]]);
    expect(entry(entries, 'azure/c').groups).toEqual([root]);
  });

  it('returns the innermost group two entries share', () => {
    const entries = plan();
    if (root.kind !== 'group') throw new Error('expected a group');
    const weighted = root.children[0];
    expect(sharedGroup(entry(entries, 'openai/a'), entry(entries, 'anthropic/b'))).toBe(weighted);
    expect(sharedGroup(entry(entries, 'anthropic/b'), entry(entries, 'azure/c'))).toBe(root);
    expect(sharedGroup(entry(entries, 'azure/c'), entry(entries, 'openai/a'))).toBe(root);
  });

  it('is undefined for entries in different trees or without groups', () => {
    const other = planRoute(tree({ targets: [{ model: 'openai/a' }] }), {
      context: chatContext(),
      stats: newStats(),
      random: Math.random,
    });
    const single = planRoute(tree({ model: 'openai/a' }), { context: chatContext(), stats: newStats(), random: Math.random });
    const [otherEntry] = other;
    const [singleEntry] = single;
    if (!otherEntry || !singleEntry) throw new Error('expected planned entries');
    expect(sharedGroup(entry(plan(), 'openai/a'), otherEntry)).toBeUndefined();
    expect(sharedGroup(singleEntry, singleEntry)).toBeUndefined();
  });
});

describe('planRoute: nested groups under latency and cost', () => {
  it('scores a nested group by its best deployment', () => {
    const stats = newStats();
    stats.recordLatency('azure/medium', 400);
    stats.recordLatency('openai/slow', 900);
    stats.recordLatency('anthropic/fast', 100);
    const root = tree({
      strategy: 'latency',
      explore: 0,
      targets: [{ model: 'azure/medium' }, { targets: [{ model: 'openai/slow' }, { model: 'anthropic/fast' }] }],
    });
    const plan = planRoute(root, { context: chatContext(), stats, random: Math.random });
    expect(plan.map((entry) => entry.deployment.id)).toEqual(['openai/slow', 'anthropic/fast', 'azure/medium']);
  });
});

describe('conditional rules on non-chat requests', () => {
  it('does not match hasTools: true for an embeddings request', () => {
    const root = tree({
      strategy: 'conditional',
      rules: [{ when: { hasTools: true }, target: { model: 'openai/tools' } }],
      default: { model: 'azure/plain' },
    });
    const plan = planRoute(root, { context: embeddingsContext(), stats: newStats(), random: Math.random });
    expect(plan.map((entry) => entry.deployment.id)).toEqual(['azure/plain']);
  });
});
