/**
 * Weighted balancing end to end: the share of traffic follows the weights, and a deployment whose
 * breaker is open gets nothing (the response says it was skipped, and why).
 */
import type { FakeOpenAI } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createScope, postChat, seededRandom } from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

const weights = { a: 5, b: 3, c: 2 } as const;
type Name = keyof typeof weights;
const names = Object.keys(weights) as Name[];

async function setup(options: { breaker?: { consecutiveFailures: number; cooldownMs: number } } = {}) {
  const upstreams = {} as Record<Name, FakeOpenAI>;
  for (const name of names) upstreams[name] = await scope.fake();
  const gateway = await scope.gateway({
    upstreams: Object.fromEntries(names.map((name) => [name, upstreams[name].url])),
    aliases: {
      balanced: {
        strategy: 'weighted',
        targets: names.map((name) => ({ model: `${name}/gpt-4o-mini`, weight: weights[name] })),
        retry: { maxRetries: 0 },
      },
    },
    // A seeded source keeps the distribution check deterministic (Math.random would flake about 1% of runs at ±8 points).
    random: seededRandom(20_240_601),
    ...options,
  });
  return { upstreams, ...gateway };
}

interface Answer {
  status: number;
  skipped: string | null;
}

async function send(baseURL: string, total: number, concurrency = 20): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let sent = 0; sent < total; sent += concurrency) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(concurrency, total - sent) }, async () => {
        const response = await postChat(baseURL, { model: 'balanced' });
        await response.arrayBuffer();
        return { status: response.status, skipped: response.headers.get('x-switchyard-skipped') };
      }),
    );
    answers.push(...batch);
  }
  return answers;
}

describe('weighted alias over 3 deployments', () => {
  it('distributes 300 requests by weight (±8 points)', async () => {
    const { upstreams, baseURL } = await setup();
    const total = 300;
    const answers = await send(baseURL, total);

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const weightSum = names.reduce((sum, name) => sum + weights[name], 0);
    const shares = names.map((name) => ({
      name,
      expected: (100 * weights[name]) / weightSum,
      actual: (100 * upstreams[name].requests.length) / total,
    }));
    console.log(
      `[weighted] ${shares.map((share) => `${share.name} ${share.actual.toFixed(1)}% (want ${share.expected}%)`).join(', ')}`,
    );
    for (const share of shares) expect(Math.abs(share.actual - share.expected)).toBeLessThanOrEqual(8);
  });

  it('sends nothing to a deployment whose breaker is open, and names it in x-switchyard-skipped', async () => {
    const { upstreams, baseURL } = await setup({ breaker: { consecutiveFailures: 2, cooldownMs: 60_000 } });
    const down = { kind: 'error' as const, status: 503, message: 'The engine is currently overloaded' };
    upstreams.c.script(down, down);
    // Until c has failed twice (its breaker opens), requests that pick it first fail over to another deployment.
    for (let sent = 0; upstreams.c.requests.length < 2 && sent < 200; sent++) {
      expect((await send(baseURL, 1))[0]?.status).toBe(200);
    }
    expect(upstreams.c.requests).toHaveLength(2);

    const answers = await send(baseURL, 100);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(upstreams.c.requests).toHaveLength(2);
    const skipped = answers.filter((answer) => answer.skipped !== null);
    // c comes first in about a fifth of the weighted orders; each of those says why it was passed over.
    expect(skipped.length).toBeGreaterThan(5);
    expect(skipped.every((answer) => answer.skipped === 'c/gpt-4o-mini=breaker-open')).toBe(true);
  });
});
