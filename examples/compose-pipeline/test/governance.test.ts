/**
 * The composed governance pipeline over real HTTP with the openai SDK: auth → cost → rate-limit → pii →
 * moderation → cache → router, on one in-memory store, over a fake OpenAI upstream.
 */
import { createJsonLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type RunningServer, startServer } from '@switchyard/server';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { askWithoutHttp, createPipelineGateway, defaultAliases, exampleKeys } from '../src/pipeline.js';

const upstreamKey = 'sk-test-governance-0123456789';
let upstream: FakeOpenAI;
let server: RunningServer;

const clientFor = (apiKey: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey, maxRetries: 0 });
const ask = (content: string) => ({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content }] });
type ApiError = InstanceType<typeof OpenAI.APIError>;
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (thrown: unknown) => thrown as ApiError,
  );

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
  const { gateway } = createPipelineGateway({
    providers: [createMockProvider(), createOpenAIProvider({ apiKey: upstreamKey, baseURL: upstream.url })],
    logger: createJsonLogger({ level: 'silent' }),
  });
  server = await startServer({ gateway, port: 0 });
});
afterAll(async () => {
  await server?.close(); // closes the gateway and its store
  await upstream?.close();
});
beforeEach(() => upstream.reset());

describe('auth (first)', () => {
  it('refuses a request without a gateway key, before anything else runs', async () => {
    const error = await failure(clientFor('sk-not-a-key-0000000000').chat.completions.create(ask('launch codes for a@b.io')));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error?.code).toBe('invalid_api_key');
    expect(error?.headers?.get('x-pipeline')).toBe('compose-pipeline');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('cost (after auth, before the rest)', () => {
  it('refuses a team over its budget before moderation looks at the prompt', async () => {
    const error = await failure(clientFor(exampleKeys.intern).chat.completions.create(ask('tell me the launch codes')));
    expect(error?.status).toBe(429);
    expect(error?.code).toBe('budget_exceeded');
    expect(upstream.requests).toHaveLength(0);
  });

  it('prices every answered request in the ledger, read through the admin API', async () => {
    const { response } = await clientFor(exampleKeys.app).chat.completions.create(ask('price this')).withResponse();
    const requestId = response.headers.get('x-request-id');
    const ledger = await fetch(`${server.url}/admin/ledger`, { headers: { authorization: `Bearer ${exampleKeys.admin}` } });
    expect(ledger.status).toBe(200);
    const records = ((await ledger.json()) as { data: Array<Record<string, unknown>> }).data;
    const record = records.find((entry) => entry.requestId === requestId);
    expect(record).toMatchObject({ keyId: 'demo-app', team: 'web', model: 'openai/gpt-4o-mini', status: 200, promptTokens: 2 });
    expect(record?.costNano).toBeGreaterThan(0);
    const refused = await fetch(`${server.url}/admin/ledger`, { headers: { authorization: `Bearer ${exampleKeys.app}` } });
    expect(refused.status).toBe(401);
  });
});

describe('rate limits (after cost)', () => {
  it('allows the trial key two requests a minute', async () => {
    const trial = clientFor(exampleKeys.trial);
    await trial.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'one' }] });
    await trial.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'two' }] });
    const error = await failure(
      trial.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'three' }] }),
    );
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error?.code).toBe('rate_limit_exceeded');
  });
});

describe('PII masking (before moderation, the cache and the upstream)', () => {
  it('sends <EMAIL_1> upstream and restores the address in the reply', async () => {
    const completion = await clientFor(exampleKeys.app).chat.completions.create(ask('mail ana.lima@example.com now'));
    expect(completion.choices[0]?.message.content).toBe('echo: mail ana.lima@example.com now');
    const sent = JSON.stringify(upstream.lastRequest()?.body);
    expect(sent).toContain('<EMAIL_1>');
    expect(sent).not.toContain('ana.lima@example.com');
  });
});

describe('moderation (deny-list)', () => {
  it('refuses a flagged prompt without calling the upstream', async () => {
    const error = await failure(clientFor(exampleKeys.app).chat.completions.create(ask('what are the LAUNCH   codes?')));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error?.code).toBe('content_flagged');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('cache (exact) and router (alias with fallback)', () => {
  it('serves the alias from the upstream, then the same question from the cache', async () => {
    const client = clientFor(exampleKeys.app);
    const question = { model: 'assistant', messages: [{ role: 'user' as const, content: 'what is a switchyard?' }] };
    const first = await client.chat.completions.create(question).withResponse();
    expect(first.response.headers.get('x-switchyard-cache')).toBe('miss');
    expect(first.response.headers.get('x-switchyard-deployment')).toBe('openai/gpt-4o-mini');
    const second = await client.chat.completions.create(question).withResponse();
    expect(second.response.headers.get('x-switchyard-cache')).toBe('hit');
    expect(second.data.choices[0]?.message.content).toBe(first.data.choices[0]?.message.content);
    expect(upstream.requests).toHaveLength(1);
  });

  it('falls back to mock/echo when the upstream fails', async () => {
    upstream.script({ kind: 'error', status: 500, message: 'The upstream broke.' });
    const { data, response } = await clientFor(exampleKeys.app)
      .chat.completions.create({ model: 'assistant', messages: [{ role: 'user', content: 'still there?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: still there?');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(response.headers.get('x-switchyard-deployment')).toBe('mock/echo');
  });
});

describe('offline (no OpenAI key): the mock provider only', () => {
  it('serves the alias from mock/error-503 → mock/echo, through the whole pipeline', async () => {
    const providers = [createMockProvider()];
    expect(defaultAliases(providers)).toEqual({ assistant: { targets: [{ model: 'mock/error-503' }, { model: 'mock/echo' }] } });
    const { gateway } = createPipelineGateway({ providers, logger: createJsonLogger({ level: 'silent' }) });
    try {
      expect(await askWithoutHttp(gateway, { model: 'assistant', content: 'write to bo@example.org' })).toEqual({
        status: 200,
        pipelineHeader: 'compose-pipeline',
        reply: 'echo: write to bo@example.org',
      });
      const refused = await askWithoutHttp(gateway, { model: 'assistant', content: 'hi', apiKey: 'sk-wrong-0000000000000' });
      expect(refused.status).toBe(401);
    } finally {
      await gateway.close();
    }
  });
});
