import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { isGatewayError, type ProviderV1 } from '@switchyard/spec';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCheckChain } from './check-chain.js';
import { createRemoteCheck } from './remote-check.js';
import { createRulesCheck } from './rules-check.js';

let upstream: FakeOpenAI;
let provider: ProviderV1;
const rules = createRulesCheck({ deny: ['forbidden'] });

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  provider = createOpenAICompatibleProvider({ id: 'guard', baseURL: upstream.url });
});
afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});
beforeEach(() => upstream.reset());

const run = (chain: ReturnType<typeof createCheckChain>, text: string, signal = new AbortController().signal) =>
  chain(text, { signal, requestId: 'req_chain' });

describe('createCheckChain', () => {
  it('merges verdicts: categories, scores and which checks flagged', async () => {
    const chain = createCheckChain({ checks: [rules, createRemoteCheck({ provider })] });
    const verdict = await run(chain, 'forbidden: kill');
    expect(verdict.flagged).toBe(true);
    expect([...verdict.categories].sort()).toEqual(['deny-list', 'violence']);
    expect([...verdict.flaggedBy].sort()).toEqual(['remote:guard', 'rules']);
    expect(verdict.unavailable).toEqual([]);
    expect((await run(chain, 'a calm text')).flagged).toBe(false);
  });

  it('fails closed by default: an erroring remote gives a 503 naming the guard', async () => {
    const chain = createCheckChain({ checks: [rules, createRemoteCheck({ provider })] });
    upstream.script({ kind: 'error', status: 500, message: 'internal' });
    const error = await run(chain, 'a calm text').catch((thrown: unknown) => thrown);
    expect(isGatewayError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503, code: 'moderation_unavailable', kind: 'unavailable' });
    expect((error as Error).message).toContain('"remote:guard"');
    expect((error as Error).message).not.toContain('calm');
  });

  it('fails closed on a hanging remote after timeoutMs, and aborts the upstream call', async () => {
    const chain = createCheckChain({ checks: [createRemoteCheck({ provider })], timeoutMs: 150 });
    upstream.script({ kind: 'hang' });
    const startedAt = performance.now();
    const error = await run(chain, 'a calm text').catch((thrown: unknown) => thrown);
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(error).toMatchObject({ status: 503, code: 'moderation_unavailable' });
    expect((error as Error).message).toMatch(/within 150 ms/);
    await expect.poll(() => upstream.aborts, { timeout: 2_000 }).toBe(1);
  });

  it('fails open when asked: the text passes and the check is listed as unavailable', async () => {
    const chain = createCheckChain({ checks: [rules, createRemoteCheck({ provider })], failMode: 'open', timeoutMs: 150 });
    upstream.script({ kind: 'hang' });
    const verdict = await run(chain, 'a calm text');
    expect(verdict).toMatchObject({ flagged: false, unavailable: ['remote:guard'] });
  });

  it("lets a check's own fail mode and timeout override the chain's", async () => {
    const remote = createRemoteCheck({ provider, failMode: 'open', timeoutMs: 100 });
    const chain = createCheckChain({ checks: [remote], failMode: 'closed', timeoutMs: 60_000 });
    upstream.script({ kind: 'hang' });
    expect((await run(chain, 'a calm text')).unavailable).toEqual(['remote:guard']);
  });

  it('refuses as flagged when one check flags and another is unavailable', async () => {
    const chain = createCheckChain({ checks: [rules, createRemoteCheck({ provider })], timeoutMs: 150 });
    upstream.script({ kind: 'hang' });
    const verdict = await run(chain, 'this is forbidden');
    expect(verdict).toMatchObject({ flagged: true, categories: ['deny-list'] });
  });
});
