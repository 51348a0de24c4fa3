import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import type { ProviderV1 } from '@switchyard/spec';
import { type FakeOpenAI, openaiModeration, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteCheck } from './remote-check.js';

const signal = new AbortController().signal;
let upstream: FakeOpenAI;
let provider: ProviderV1;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: 'sk-guard' });
  provider = createOpenAICompatibleProvider({ id: 'guard', baseURL: upstream.url, apiKey: 'sk-guard' });
});
afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});
beforeEach(() => upstream.reset());

describe('createRemoteCheck', () => {
  it('calls /v1/moderations through the provider with the model and the request id', async () => {
    const check = createRemoteCheck({ provider });
    const verdict = await check.check('I will kill the process', { signal, requestId: 'req_remote_1' });
    expect(verdict.flagged).toBe(true);
    expect(verdict.categories).toEqual(['violence']);
    expect(verdict.scores.violence).toBe(0.91);
    const request = upstream.lastRequest();
    expect(request?.path).toBe('/v1/moderations');
    expect(request?.body).toEqual({ model: 'omni-moderation-latest', input: 'I will kill the process' });
    expect(request?.headers['x-request-id']).toBe('req_remote_1');
    expect(check.name).toBe('remote:guard');
  });

  it('applies per-category thresholds instead of the upstream flag', async () => {
    const strict = createRemoteCheck({ provider, thresholds: { hate: 0.4 } });
    const lenient = createRemoteCheck({ provider, thresholds: { violence: 0.95 } });
    expect(await strict.check('mild [score:hate=0.42]', { signal })).toMatchObject({ flagged: true, categories: ['hate'] });
    // 0.42 is under the upstream's own cut-off: without a threshold it passes.
    expect((await lenient.check('mild [score:hate=0.42]', { signal })).flagged).toBe(false);
    // 0.91 is flagged upstream, but the threshold raises the bar.
    expect((await lenient.check('kill', { signal })).flagged).toBe(false);
  });

  it('uses defaultThreshold for categories without their own', async () => {
    const check = createRemoteCheck({ provider, defaultThreshold: 0.3, thresholds: { sexual: 0.9 } });
    const verdict = await check.check('x [score:harassment=0.35] [score:sexual=0.6]', { signal });
    expect(verdict.categories).toEqual(['harassment']);
  });

  it('throws on an upstream error or an answer without results (the chain decides what that means)', async () => {
    const check = createRemoteCheck({ provider });
    upstream.script({ kind: 'error', status: 500, message: 'down' });
    await expect(check.check('hello', { signal })).rejects.toMatchObject({ kind: 'upstream' });
    upstream.script({ kind: 'json', body: { ...openaiModeration(), results: [] } });
    await expect(check.check('hello', { signal })).rejects.toThrow(/no results/);
  });

  it('refuses a provider without moderate() and out-of-range thresholds at construction', () => {
    const { moderate: _moderate, ...withoutModerate } = provider;
    expect(() => createRemoteCheck({ provider: withoutModerate as ProviderV1 })).toThrow(/no moderation endpoint/);
    expect(() => createRemoteCheck({ provider, thresholds: { hate: 1.5 } })).toThrow(/thresholds\.hate/);
  });
});
