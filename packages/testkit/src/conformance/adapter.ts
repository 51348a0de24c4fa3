/**
 * `defineAdapterConformance(options)`: the checks every host of a gateway must pass (the standalone server,
 * Express, Fastify, Next.js, or a host of your own), as vitest tests in the calling file. The same
 * requests go to each host, so "behaves identically" is a test, not a claim.
 *
 * Clients are the official `openai` SDK (an optional peer dependency of the testkit, imported only when
 * this suite runs) and plain `fetch`/`node:http` where the wire matters.
 */
import { request as httpRequest } from 'node:http';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../fake-openai.js';
import { openaiChunks } from '../openai-fixtures.js';
import type { FakeOpenAI } from '../types.js';

/** What a host needs to build (or configure) the gateway under test. */
export interface AdapterConformanceSetup {
  /** The fake OpenAI upstream's base URL (`http://127.0.0.1:PORT/v1`), for an OpenAI provider with id `openai`. */
  readonly upstreamUrl: string;
  /** The key the fake upstream requires. */
  readonly upstreamApiKey: string;
  /** The gateway's `maxBodyBytes` for this run (the body-limit checks send a body just over it). */
  readonly maxBodyBytes: number;
}

export interface AdapterConformanceHost {
  /**
   * Where the gateway is mounted, without `/v1`: `http://127.0.0.1:PORT/llm`. SDKs get `${url}/v1`.
   */
  readonly url: string;
  /** Stops the host and releases everything `start` started, the gateway included. */
  close(): Promise<void>;
}

export interface AdapterConformanceOptions<TGateway> {
  /** Shown in the suite's name: `<name> adapter conformance`. */
  name: string;
  /**
   * Builds the gateway: an OpenAI provider (id `openai`) at `setup.upstreamUrl` with `setup.upstreamApiKey`,
   * and `maxBodyBytes: setup.maxBodyBytes`. A host in another process (e.g. `next start`) may ignore the
   * object and build the same gateway itself from `setup`.
   */
  createGateway(setup: AdapterConformanceSetup): TGateway;
  /** Serves the gateway on a loopback port. */
  start(gateway: TGateway, setup: AdapterConformanceSetup): Promise<AdapterConformanceHost>;
  /** Default 64 KiB. */
  maxBodyBytes?: number;
  /** For a host that needs long to start (a Next.js build): the `beforeAll` timeout in ms. Default 30 s. */
  startTimeoutMs?: number;
}

/** Looks like a key (so redaction patterns apply) and is never a real one. */
const upstreamApiKey = 'sk-adapter-conformance-7d41c0a9e2';
const model = 'openai/gpt-4o-mini';

/** Registers `<name> adapter conformance` with one test per check. */
export function defineAdapterConformance<TGateway>(options: AdapterConformanceOptions<TGateway>): void {
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  let upstream: FakeOpenAI | undefined;
  let host: AdapterConformanceHost | undefined;
  let OpenAIClient: typeof OpenAI | undefined;

  const running = () => {
    if (upstream === undefined || host === undefined || OpenAIClient === undefined) {
      throw new Error('The adapter conformance host did not start.');
    }
    return { upstream, host, OpenAIClient };
  };
  const client = () => {
    const { host, OpenAIClient } = running();
    return new OpenAIClient({ baseURL: `${host.url}/v1`, apiKey: 'gateway-key-not-forwarded', maxRetries: 0 });
  };
  const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${running().host.url}${path}`, { method: 'POST', headers, body });
  const chat = (content: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ model, messages: [{ role: 'user', content }], ...extra });

  describe(`${options.name} adapter conformance`, () => {
    beforeAll(async () => {
      OpenAIClient = (await import('openai')).default;
      upstream = await startFakeOpenAI({ apiKey: upstreamApiKey });
      const setup: AdapterConformanceSetup = { upstreamUrl: upstream.url, upstreamApiKey, maxBodyBytes };
      host = await options.start(options.createGateway(setup), setup);
    }, options.startTimeoutMs ?? 30_000);
    afterAll(async () => {
      await host?.close();
      await upstream?.close();
    });
    beforeEach(() => {
      upstream?.reset();
    });

    it('answers a chat completion through the openai SDK, with x-request-id and JSON content-type', async () => {
      const { data, response } = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'hello adapter' }] })
        .withResponse();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      expect(response.headers.get('x-switchyard-provider')).toBe('openai');
      expect(data.choices[0]?.message.content).toBe('echo: hello adapter');
      const forwarded = running().upstream.lastRequest();
      expect(forwarded?.path).toBe('/v1/chat/completions');
      expect(forwarded?.headers.authorization).toBe(`Bearer ${upstreamApiKey}`);
      expect(forwarded?.body).toMatchObject({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello adapter' }] });
    });

    it('keeps a sane x-request-id sent by the client', async () => {
      const response = await post('/v1/chat/completions', chat('with an id'), {
        'content-type': 'application/json',
        'x-request-id': 'conformance-request-42',
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id')).toBe('conformance-request-42');
    });

    it('lists models with GET /v1/models', async () => {
      const ids: string[] = [];
      for await (const listed of client().models.list()) ids.push(listed.id);
      expect(ids).toContain(model);
    });

    it('streams server-sent events through the openai SDK, ending with [DONE]', async () => {
      running().upstream.script({ kind: 'sse', events: openaiChunks({ content: ['Hel', 'lo', ' there'] }) });
      const { data: stream, response } = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }], stream: true })
        .withResponse();
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('Hello there');

      running().upstream.script({ kind: 'sse', events: openaiChunks({ content: ['raw'] }) });
      const raw = await post('/v1/chat/completions', chat('x', { stream: true }));
      const wire = await raw.text();
      expect(wire.startsWith('data: ')).toBe(true);
      expect(wire.trimEnd().endsWith('data: [DONE]')).toBe(true);
    });

    it('delivers stream chunks before the upstream has finished (no buffering)', async () => {
      // The upstream sends two events, then stalls until its client goes away.
      running().upstream.script({ kind: 'sse', events: openaiChunks({ content: ['first', 'never'] }), stallAfter: 2 });
      const controller = new AbortController();
      const stream = await client().chat.completions.create(
        { model, messages: [{ role: 'user', content: 'x' }], stream: true },
        { signal: controller.signal },
      );
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (text.length > 0) break; // leaving the loop aborts the request
      }
      expect(text).toBe('first');
      controller.abort();
    });

    it('aborts the upstream request when the client disconnects mid-stream', async () => {
      const { upstream } = running();
      upstream.script({ kind: 'sse', events: openaiChunks({ content: ['one', 'two', 'three'] }), stallAfter: 2 });
      const controller = new AbortController();
      const stream = await client().chat.completions.create(
        { model, messages: [{ role: 'user', content: 'x' }], stream: true },
        { signal: controller.signal },
      );
      const iterator = stream[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      expect(upstream.aborts).toBe(0);
      controller.abort();
      await iterator.return?.();
      const deadline = performance.now() + 5_000;
      while (upstream.aborts === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(upstream.aborts).toBe(1);
    });

    it('passes an upstream error through in the OpenAI shape (the SDK raises its typed error)', async () => {
      running().upstream.script({ kind: 'error', status: 429, message: 'Slow down.', code: 'rate_limit_exceeded' });
      const error = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(running().OpenAIClient.RateLimitError);
      expect(error).toMatchObject({ status: 429 });
    });

    it('answers a body over the limit with 413 in the OpenAI shape (declared content-length)', async () => {
      const body = chat('x'.repeat(maxBodyBytes + 1024));
      await expectOpenAIError(await post('/v1/chat/completions', body), 413, 'request_too_large');
      expect(running().upstream.requests).toHaveLength(0);

      const error = await client()
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'x'.repeat(maxBodyBytes + 1024) }] })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(running().OpenAIClient.APIError);
      expect(error).toMatchObject({ status: 413, code: 'request_too_large' });
    });

    it('answers a chunked body over the limit with 413 in the OpenAI shape', async () => {
      const answer = await sendChunked(`${running().host.url}/v1/chat/completions`, chat('x'.repeat(maxBodyBytes + 1024)));
      expect(answer.status).toBe(413);
      expect(answer.contentType).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'request_too_large', param: null } });
      expect(running().upstream.requests).toHaveLength(0);
    });

    it('accepts a body just under the limit', async () => {
      const content = 'y'.repeat(maxBodyBytes - 1024);
      const completion = await client().chat.completions.create({ model, messages: [{ role: 'user', content }] });
      expect(completion.choices[0]?.message.content).toBe(`echo: ${content}`);
    });

    it('answers invalid JSON with 400 invalid_json in the OpenAI shape', async () => {
      const response = await post('/v1/chat/completions', '{"model": "openai/gpt-4o-mini", "messages": [');
      await expectOpenAIError(response, 400, 'invalid_json');
      expect(running().upstream.requests).toHaveLength(0);
    });

    it('answers invalid JSON on the Anthropic Messages path in Anthropic’s error shape', async () => {
      const response = await post('/v1/messages', '{"model": "claude-sonnet-4-5", "messages": [', {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect(await response.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.any(String) },
      });
    });

    it('answers a JSON request without a body with 400 missing_body in the OpenAI shape', async () => {
      await expectOpenAIError(await post('/v1/chat/completions', ''), 400, 'missing_body');
    });

    it('answers a request the gateway cannot validate with 400 in the OpenAI shape', async () => {
      const response = await post('/v1/chat/completions', JSON.stringify({ model, messages: 'not a list' }));
      expect(response.status).toBe(400);
      expect(response.headers.get('x-request-id')).toBeTruthy();
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    });

    it('answers an unknown path with 404 unknown_url in the OpenAI shape', async () => {
      await expectOpenAIError(await fetch(`${running().host.url}/v1/nothing-here`), 404, 'unknown_url');
    });

    it('answers a wrong method with 405 method_not_allowed and an allow header', async () => {
      const response = await fetch(`${running().host.url}/v1/chat/completions`);
      await expectOpenAIError(response, 405, 'method_not_allowed');
      expect(response.headers.get('allow')).toBe('POST');
      const deleted = await fetch(`${running().host.url}/v1/models`, { method: 'DELETE' });
      await expectOpenAIError(deleted, 405, 'method_not_allowed');
      expect(deleted.headers.get('allow')).toBe('GET');
    });
  });
}

async function expectOpenAIError(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('x-request-id')).toBeTruthy();
  expect(await response.json()).toEqual({
    error: { message: expect.any(String), type: expect.any(String), param: null, code },
  });
}

/** POSTs a body with `transfer-encoding: chunked` (no content-length), so a limit must be enforced while reading. */
function sendChunked(url: string, body: string): Promise<{ status: number | undefined; contentType: string; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: target.pathname,
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode, contentType: String(response.headers['content-type']), body: text }),
        );
        response.on('error', reject);
      },
    );
    // The host may answer and close before the whole body went out; that is fine, the answer is what counts.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const piece = 16 * 1024;
    for (let offset = 0; offset < body.length; offset += piece) request.write(body.slice(offset, offset + piece));
    request.end();
  });
}
