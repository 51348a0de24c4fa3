import { type ChatCall, isGatewayError, type ProviderV1 } from '@switchyard/spec';
import { anthropicStreamEvents, type FakeAnthropic, startFakeAnthropic } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anthropicDefaultModels, createAnthropicProvider } from './anthropic-provider.js';
import { anthropicProviderFromEnv } from './anthropic-provider-from-env.js';

const apiKey = 'sk-ant-test-0123456789abcdef';
let upstream: FakeAnthropic;
let provider: ProviderV1;

beforeAll(async () => {
  upstream = await startFakeAnthropic({ apiKey });
  provider = createAnthropicProvider({ apiKey, baseURL: upstream.url });
});
afterEach(() => upstream.reset());
afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});

function call(content = 'Hi'): ChatCall {
  return {
    model: 'claude-sonnet-4-5',
    request: { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content }] },
    signal: new AbortController().signal,
    requestId: 'request-1',
  };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

async function drain(parts: AsyncIterable<unknown>): Promise<number> {
  let count = 0;
  for await (const _ of parts) count += 1;
  return count;
}

describe('createAnthropicProvider options', () => {
  it('validates its options once, at construction', () => {
    expect(() => createAnthropicProvider({ apiKey: '' })).toThrow(/no API key/);
    expect(() => createAnthropicProvider({ apiKey, baseURL: 'not a url' })).toThrow(/not a valid URL/);
    expect(() => createAnthropicProvider({ apiKey, baseURL: 'ftp://example.com' })).toThrow(/http or https/);
    expect(() => createAnthropicProvider({ apiKey, baseURL: 'https://api.anthropic.com/v1' })).toThrow(/must not end in \/v1/);
    expect(() => createAnthropicProvider({ apiKey, id: '' })).toThrow(/`id`/);
    expect(() => createAnthropicProvider({ apiKey, defaultMaxTokens: 0 })).toThrow(/defaultMaxTokens/);
    expect(() => createAnthropicProvider({ apiKey, anthropicVersion: '' })).toThrow(/anthropicVersion/);
  });

  it('has the expected identity and no embed', () => {
    expect(provider.id).toBe('anthropic');
    expect(provider.specificationVersion).toBe('v1');
    expect(provider.models).toEqual(anthropicDefaultModels);
    expect(provider.embed).toBeUndefined();
  });

  it('is built from the environment only when ANTHROPIC_API_KEY is set', async () => {
    expect(anthropicProviderFromEnv({})).toBeUndefined();
    expect(anthropicProviderFromEnv({ ANTHROPIC_API_KEY: '  ' })).toBeUndefined();
    const fromEnv = anthropicProviderFromEnv({ ANTHROPIC_API_KEY: apiKey, ANTHROPIC_BASE_URL: upstream.url });
    const { body } = (await fromEnv?.chat(call())) ?? {};
    expect(body?.value.choices[0]?.message.content).toBe('echo: Hi');
    await fromEnv?.close?.();
  });
});

describe('the Anthropic provider against the fake upstream', () => {
  it('sends x-api-key, anthropic-version and JSON to /v1/messages and reports the upstream request id', async () => {
    const { body, upstream: meta } = await provider.chat(call());
    expect(meta).toEqual({ status: 200, requestId: 'req_fake_1' });
    expect(body.value).toMatchObject({ id: 'msg_fake_1', object: 'chat.completion', model: 'claude-sonnet-4-5' });
    const recorded = upstream.lastRequest();
    expect(recorded?.path).toBe('/v1/messages');
    expect(recorded?.headers).toMatchObject({
      'x-api-key': apiKey,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
    });
    expect(recorded?.headers.authorization).toBeUndefined();
    expect(recorded?.body).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('uses the configured anthropicVersion and defaultMaxTokens', async () => {
    const custom = createAnthropicProvider({
      apiKey,
      baseURL: upstream.url,
      anthropicVersion: '2099-01-01',
      defaultMaxTokens: 77,
    });
    await custom.chat(call());
    expect(upstream.lastRequest()?.headers['anthropic-version']).toBe('2099-01-01');
    expect((upstream.lastRequest()?.body as { max_tokens?: number } | undefined)?.max_tokens).toBe(77);
    await custom.close?.();
  });

  it('fails a 400 conversion error before calling the upstream', async () => {
    const error = await failure(provider.chat({ ...call(), request: { ...call().request, n: 3 } }));
    expect(isGatewayError(error) && [error.status, error.param]).toEqual([400, 'n']);
    expect(upstream.requests).toHaveLength(0);
  });

  it('rejects a 2xx body that is not an Anthropic message', async () => {
    upstream.script({ kind: 'json', body: { hello: 'world' } }, { kind: 'raw', status: 200, body: 'not json' });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await failure(provider.chat(call()));
      expect(isGatewayError(error) && [error.status, error.code]).toEqual([502, 'invalid_upstream_response']);
    }
  });

  it('maps an upstream 401 to a non-retryable authentication error without leaking the key', async () => {
    const wrong = createAnthropicProvider({ apiKey: 'sk-ant-wrong-0123456789', baseURL: upstream.url });
    const error = await failure(wrong.chat(call()));
    expect(isGatewayError(error) && [error.status, error.kind, error.retryable, error.upstreamType]).toEqual([
      401,
      'authentication',
      false,
      'authentication_error',
    ]);
    await wrong.close?.();
  });

  it('throws a retryable truncation error when the stream ends without message_stop', async () => {
    upstream.script({ kind: 'sse', events: anthropicStreamEvents({ text: ['a'], omitMessageStop: true }) });
    const { parts } = await provider.streamChat(call());
    const error = await failure(drain(parts));
    expect(isGatewayError(error) && [error.status, error.code, error.retryable]).toEqual([
      502,
      'upstream_stream_truncated',
      true,
    ]);
  });

  it('turns a cut connection mid-stream into a retryable upstream error', async () => {
    upstream.script({ kind: 'sse', events: anthropicStreamEvents({ text: ['a', 'b'] }), cutAfter: 3 });
    const { parts } = await provider.streamChat(call());
    const error = await failure(drain(parts));
    expect(isGatewayError(error) && error.retryable).toBe(true);
  });

  it('rejects a stream event that is not JSON', async () => {
    upstream.script({ kind: 'sse', events: [anthropicStreamEvents()[0] ?? '', 'event: content_block_delta\ndata: {oops\n\n'] });
    const { parts } = await provider.streamChat(call());
    const error = await failure(drain(parts));
    expect(isGatewayError(error) && error.code).toBe('invalid_upstream_response');
  });

  it('refuses a streaming answer that is not an event stream', async () => {
    upstream.script({ kind: 'json', body: { type: 'message' } });
    const error = await failure(provider.streamChat(call()));
    expect(isGatewayError(error) && error.code).toBe('invalid_upstream_response');
  });

  it('stops reading the upstream when the caller aborts', async () => {
    upstream.script({ kind: 'sse', events: anthropicStreamEvents({ text: ['a', 'b'] }), stallAfter: 3 });
    const controller = new AbortController();
    const { parts } = await provider.streamChat({ ...call(), signal: controller.signal });
    const iterator = parts[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect(iterator.next()).rejects.toBeDefined();
    await expect.poll(() => upstream.aborts).toBe(1);
  });
});
