import { isGatewayError } from '@switchyard/spec';
import { type FakeOpenAI, openaiModeration, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleProvider } from './openai-compatible-provider.js';

const apiKey = 'sk-moderation-test-0123456789';
let upstream: FakeOpenAI;
let provider: ReturnType<typeof createOpenAICompatibleProvider>;

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey });
  provider = createOpenAICompatibleProvider({ id: 'oa', baseURL: upstream.url, apiKey, http: { connectTimeoutMs: 1_000 } });
});
afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function moderate(input: string, signal = new AbortController().signal) {
  if (!provider.moderate) throw new Error('moderate is missing');
  return provider.moderate({
    model: 'omni-moderation-latest',
    request: { model: 'oa/omni-moderation-latest', input },
    signal,
    requestId: 'req_moderate_1',
  });
}

describe('createOpenAICompatibleProvider().moderate', () => {
  it('posts to /moderations with the upstream model id and returns the body as sent', async () => {
    upstream.script({ kind: 'json', body: openaiModeration({ id: 'modr-1', results: [{ violence: 0.8 }] }) });
    const result = await moderate('some text');
    const request = upstream.lastRequest();
    expect(request?.path).toBe('/v1/moderations');
    expect(request?.body).toEqual({ model: 'omni-moderation-latest', input: 'some text' });
    expect(request?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(request?.headers['x-request-id']).toBe('req_moderate_1');
    expect(result.body.value.id).toBe('modr-1');
    expect(result.body.value.results[0]?.category_scores.violence).toBe(0.8);
    expect(result.upstream.status).toBe(200);
  });

  it('turns an upstream error into a GatewayError without the key', async () => {
    upstream.script({ kind: 'error', status: 500, message: `boom ${apiKey}` });
    const error = await moderate('x').catch((thrown: unknown) => thrown);
    expect(isGatewayError(error)).toBe(true);
    if (!isGatewayError(error)) return;
    expect(error.kind).toBe('upstream');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain(apiKey);
  });

  it('rejects a body that is not a JSON object', async () => {
    upstream.script({ kind: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: 'not json at all' });
    const error = await moderate('x').catch((thrown: unknown) => thrown);
    expect(isGatewayError(error) && error.code).toBe('invalid_upstream_response');
  });

  it('stops when the signal aborts', async () => {
    upstream.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = moderate('x', controller.signal).catch((thrown: unknown) => thrown);
    setTimeout(() => controller.abort(), 50);
    const error = await pending;
    expect(isGatewayError(error) || (error instanceof Error && error.name === 'AbortError')).toBe(true);
  });
});
