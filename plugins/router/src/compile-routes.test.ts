import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import type { ProviderV1 } from '@switchyard/spec';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CompiledAlias,
  type CompiledNode,
  compileRoutes,
  RouteConfigError,
  type RouteConfigIssue,
} from './compile-routes.js';
import { type AliasConfig, aliasSchema } from './route-schema.js';

// Real providers; compileRoutes only resolves them by id, so the unreachable base URL is never called.
const providerList = ['openai', 'anthropic', 'azure'].map((id) =>
  createOpenAICompatibleProvider({ id, baseURL: 'http://127.0.0.1:9/v1' }),
);
const providers: ReadonlyMap<string, ProviderV1> = new Map(providerList.map((provider) => [provider.id, provider]));

afterAll(async () => {
  await Promise.all(providerList.map((provider) => provider.close?.()));
});

/** Aliases as a config file would give them: each one validated by the schema first. */
function aliasesFrom(input: Record<string, unknown>): Record<string, AliasConfig> {
  return Object.fromEntries(Object.entries(input).map(([name, value]) => [name, aliasSchema.parse(value)]));
}

function compile(input: Record<string, unknown>): Map<string, CompiledAlias> {
  return compileRoutes(aliasesFrom(input), providers);
}

function issuesOf(input: Record<string, unknown>): RouteConfigIssue[] {
  try {
    compile(input);
  } catch (error) {
    expect(error).toBeInstanceOf(RouteConfigError);
    return [...(error as RouteConfigError).issues];
  }
  throw new Error('expected the configuration to be refused');
}

/** A readable outline of a compiled tree: deployments by id, groups by strategy. */
function outline(node: CompiledNode): unknown {
  if (node.kind === 'deployment') return node.id;
  if (node.kind === 'group') return { [node.strategy]: node.children.map(outline) };
  return { conditional: node.rules.map((rule) => outline(rule.node)), default: node.fallback && outline(node.fallback) };
}

function rootOf(compiled: Map<string, CompiledAlias>, name: string): CompiledNode {
  const alias = compiled.get(name);
  if (!alias) throw new Error(`alias ${name} was not compiled`);
  return alias.root;
}

describe('compileRoutes: valid trees', () => {
  it('compiles a single deployment, resolving its provider', () => {
    const root = rootOf(compile({ fast: { model: 'openai/gpt-4o-mini', rpm: 60, params: { temperature: 0 } } }), 'fast');
    expect(root).toMatchObject({ kind: 'deployment', id: 'openai/gpt-4o-mini', weight: 1, rpm: 60 });
    if (root.kind !== 'deployment') throw new Error('expected a deployment');
    expect(root.target.provider).toBe(providers.get('openai'));
    expect(root.target).toMatchObject({ providerId: 'openai', model: 'gpt-4o-mini', params: { temperature: 0 } });
  });

  it('keeps everything after the first slash as the upstream model', () => {
    const root = rootOf(compile({ llama: { model: 'azure/meta/llama-3' } }), 'llama');
    expect(root).toMatchObject({
      kind: 'deployment',
      id: 'azure/meta/llama-3',
      target: { providerId: 'azure', model: 'meta/llama-3' },
    });
  });

  it('compiles nested fallback and weighted groups with weights, moveOn and explore', () => {
    const compiled = compile({
      smart: {
        targets: [
          {
            strategy: 'weighted',
            weight: 2,
            targets: [
              { model: 'openai/gpt-4o', weight: 70 },
              { model: 'azure/gpt-4o', weight: 30 },
            ],
          },
          { strategy: 'latency', explore: 0.3, targets: [{ model: 'anthropic/claude' }, { model: 'openai/gpt-4o-mini' }] },
        ],
        on: ['rate_limit', 'server'],
        retry: { maxRetries: 1 },
        timeouts: { deadlineMs: 1_000 },
      },
    });
    const alias = compiled.get('smart');
    expect(alias?.retry).toEqual({ maxRetries: 1 });
    expect(alias?.timeouts).toEqual({ deadlineMs: 1_000 });
    const root = rootOf(compiled, 'smart');
    expect(outline(root)).toEqual({
      fallback: [{ weighted: ['openai/gpt-4o', 'azure/gpt-4o'] }, { latency: ['anthropic/claude', 'openai/gpt-4o-mini'] }],
    });
    if (root.kind !== 'group') throw new Error('expected a group');
    expect([...root.moveOn].sort()).toEqual(['rate_limit', 'server']);
    const [weighted, latency] = root.children;
    expect(weighted).toMatchObject({ kind: 'group', weight: 2, explore: 0.1 });
    expect(latency).toMatchObject({ kind: 'group', weight: 1, explore: 0.3 });
    if (weighted?.kind !== 'group') throw new Error('expected a group');
    expect(weighted.children.map((child) => child.weight)).toEqual([70, 30]);
    expect([...weighted.moveOn].sort()).toEqual(['auth', 'connection', 'quota', 'rate_limit', 'server', 'timeout']);
  });

  it('compiles a conditional node with a default', () => {
    const root = rootOf(
      compile({
        routed: {
          strategy: 'conditional',
          rules: [
            { when: { headers: { 'x-tier': 'pro' } }, target: { model: 'openai/gpt-4o' } },
            { when: { language: ['zh'] }, target: { targets: [{ model: 'azure/qwen' }, { model: 'openai/gpt-4o-mini' }] } },
          ],
          default: { model: 'anthropic/claude' },
        },
      }),
      'routed',
    );
    expect(outline(root)).toEqual({
      conditional: ['openai/gpt-4o', { fallback: ['azure/qwen', 'openai/gpt-4o-mini'] }],
      default: 'anthropic/claude',
    });
  });

  it('inlines alias references, taking the weight of the reference', () => {
    const compiled = compile({
      cheap: { targets: [{ model: 'openai/gpt-4o-mini' }, { model: 'anthropic/haiku' }] },
      smart: {
        strategy: 'weighted',
        targets: [
          { model: 'openai/gpt-4o', weight: 3 },
          { alias: 'cheap', weight: 1.5 },
        ],
      },
      again: { targets: [{ alias: 'smart' }] },
    });
    const smart = rootOf(compiled, 'smart');
    expect(outline(smart)).toEqual({ weighted: ['openai/gpt-4o', { fallback: ['openai/gpt-4o-mini', 'anthropic/haiku'] }] });
    if (smart.kind !== 'group') throw new Error('expected a group');
    expect(smart.children[1]?.weight).toBe(1.5);
    expect(outline(rootOf(compiled, 'again'))).toEqual({ fallback: [outline(smart)] });
    expect(rootOf(compiled, 'cheap').weight).toBe(1);
  });

  it('allows the same alias to be referenced twice (a diamond is not a cycle)', () => {
    const compiled = compile({
      base: { model: 'openai/gpt-4o' },
      left: { targets: [{ alias: 'base' }] },
      top: { targets: [{ alias: 'left' }, { alias: 'base' }] },
    });
    expect(outline(rootOf(compiled, 'top'))).toEqual({ fallback: [{ fallback: ['openai/gpt-4o'] }, 'openai/gpt-4o'] });
  });
});

describe('compileRoutes: errors with paths', () => {
  it('reports an unknown provider with the providers on offer', () => {
    const issues = issuesOf({ smart: { targets: [{ model: 'openai/gpt-4o' }, { model: 'opnai/gpt-4o' }] } });
    expect(issues).toEqual([
      { path: 'models.smart.targets[1].model', message: 'unknown provider "opnai" (on: openai, anthropic, azure)' },
    ]);
  });

  it('formats every issue into the error message', () => {
    expect(() => compile({ smart: { targets: [{ model: 'opnai/gpt-4o' }] } })).toThrow(
      'models.smart.targets[0].model: unknown provider "opnai"',
    );
  });

  it('uses the given path prefix', () => {
    expect(() => compileRoutes(aliasesFrom({ smart: { model: 'gpt-4o' } }), providers, 'router.aliases')).toThrow(
      'router.aliases.smart.model: expected "provider/model", got "gpt-4o"',
    );
  });

  it('reports a model without a provider prefix', () => {
    expect(issuesOf({ smart: { model: 'gpt-4o' } })).toEqual([
      { path: 'models.smart.model', message: 'expected "provider/model", got "gpt-4o"' },
    ]);
    expect(issuesOf({ smart: { targets: [{ model: '/gpt-4o' }] } })).toEqual([
      { path: 'models.smart.targets[0].model', message: 'expected "provider/model", got "/gpt-4o"' },
    ]);
  });

  it('reports a node with both a model and a strategy', () => {
    const issues = issuesOf({
      smart: { targets: [{ model: 'openai/gpt-4o', strategy: 'weighted', targets: [{ model: 'openai/x' }] }] },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('models.smart.targets[0]');
    expect(issues[0]?.message).toContain('exactly one of "model"');
  });

  it('reports a node with neither a model, an alias, a strategy nor targets', () => {
    const issues = issuesOf({ smart: { targets: [{ weight: 2 }] } });
    expect(issues.map((issue) => issue.path)).toEqual(['models.smart.targets[0]']);
  });

  it('reports a cycle between two aliases', () => {
    const issues = issuesOf({ a: { targets: [{ alias: 'b' }] }, b: { targets: [{ alias: 'a' }] } });
    expect(issues.some((issue) => issue.message.includes('cycle: a → b → a'))).toBe(true);
    expect(issues.every((issue) => issue.path.endsWith('.targets[0].alias') && issue.message.startsWith('cycle: '))).toBe(true);
  });

  it('reports an alias that references itself', () => {
    expect(issuesOf({ loop: { targets: [{ model: 'openai/x' }, { alias: 'loop' }] } })).toEqual([
      { path: 'models.loop.targets[1].alias', message: 'cycle: loop → loop' },
    ]);
  });

  it('reports a reference to an unknown alias', () => {
    expect(issuesOf({ smart: { targets: [{ model: 'openai/gpt-4o' }, { alias: 'cheep' }] } })).toEqual([
      { path: 'models.smart.targets[1].alias', message: 'unknown alias "cheep"' },
    ]);
  });

  it('refuses an alias named like a deployment of a known provider', () => {
    const issues = issuesOf({ 'openai/gpt-4o': { model: 'azure/gpt-4o' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('models.openai/gpt-4o');
    expect(issues[0]?.message).toContain('shadows the deployment "openai/gpt-4o"');
  });

  it('accepts a slash in an alias name when no provider has that prefix', () => {
    expect(compile({ 'team/smart': { model: 'openai/gpt-4o' } }).has('team/smart')).toBe(true);
  });

  it('reports a group without targets', () => {
    expect(issuesOf({ smart: { strategy: 'weighted' } })).toEqual([
      { path: 'models.smart.targets', message: 'a "weighted" group needs targets' },
    ]);
  });

  it('reports a conditional node without rules', () => {
    expect(issuesOf({ smart: { strategy: 'conditional', default: { model: 'openai/x' } } })).toEqual([
      { path: 'models.smart.rules', message: 'a "conditional" group needs rules' },
    ]);
  });

  it('reports deployment-only fields on a group', () => {
    const issues = issuesOf({
      smart: { strategy: 'cost', rpm: 10, price: { input: 1, output: 1 }, targets: [{ model: 'openai/x' }] },
    });
    expect(issues).toEqual([
      { path: 'models.smart.rpm', message: 'not allowed on a "cost" group' },
      { path: 'models.smart.price', message: 'not allowed on a "cost" group' },
    ]);
  });

  it('reports group-only fields on a deployment', () => {
    expect(issuesOf({ smart: { model: 'openai/x', on: ['server'], explore: 0.5 } })).toEqual([
      { path: 'models.smart.on', message: 'not allowed on a deployment' },
      { path: 'models.smart.explore', message: 'not allowed on a deployment' },
    ]);
  });

  it('reports an invalid header regular expression in a rule', () => {
    const issues = issuesOf({
      smart: { strategy: 'conditional', rules: [{ when: { headers: { 'X-Tier': '/(/' } }, target: { model: 'openai/x' } }] },
    });
    expect(issues).toEqual([{ path: 'models.smart.rules[0].when.headers.X-Tier', message: 'invalid regular expression' }]);
  });

  it('reports several issues together, across aliases', () => {
    const issues = issuesOf({
      smart: { targets: [{ model: 'opnai/gpt-4o' }, { model: 'gpt-4o' }] },
      cheap: { strategy: 'weighted', targets: [{ alias: 'nowhere' }] },
      fine: { model: 'openai/gpt-4o' },
    });
    expect(issues.map((issue) => issue.path)).toEqual([
      'models.smart.targets[0].model',
      'models.smart.targets[1].model',
      'models.cheap.targets[0].alias',
    ]);
  });
});

describe('compileRoutes: aliases referenced by others', () => {
  it('reports a problem of a referenced alias once', () => {
    expect(issuesOf({ a: { targets: [{ alias: 'b' }] }, b: { model: 'nope/x' } })).toEqual([
      { path: 'models.b.model', message: 'unknown provider "nope" (on: openai, anthropic, azure)' },
    ]);
  });
});
