/**
 * The failover example over real HTTP with the official openai SDK: the offline config (mock/error-503
 * then mock/echo) and the same alias over two fake OpenAI upstreams, the primary scripted to fail.
 */
import { createJsonLogger } from '@switchyard/core';
import type { RunningServer } from '@switchyard/server';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { askAssistant, startFailoverGateway, upstreamsConfigFile } from '../src/failover.js';

const silent = createJsonLogger({ level: 'silent' });
const primaryKey = 'sk-primary-0123456789abcdef';
const backupKey = 'sk-backup-0123456789abcdef';
const failure = { kind: 'error', status: 503, message: 'The primary is overloaded.' } as const;

describe('the offline config (switchyard.yaml)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startFailoverGateway({ env: {}, logger: silent });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('falls back from mock/error-503 to mock/echo and says so in the headers', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(response.headers.get('x-switchyard-deployment')).toBe('mock/echo');
  });

  it('is what src/main.js prints', async () => {
    expect(await askAssistant(server.url, 'ping')).toEqual({
      status: 200,
      reply: 'echo: ping',
      deployment: 'mock/echo',
      attempts: '2',
      fallback: 'true',
    });
  });
});

describe('two OpenAI-compatible upstreams (upstreams.yaml)', () => {
  let primary: FakeOpenAI;
  let backup: FakeOpenAI;
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    [primary, backup] = await Promise.all([startFakeOpenAI({ apiKey: primaryKey }), startFakeOpenAI({ apiKey: backupKey })]);
    server = await startFailoverGateway({
      configFile: upstreamsConfigFile,
      env: { PRIMARY_BASE_URL: primary.url, PRIMARY_API_KEY: primaryKey, BACKUP_BASE_URL: backup.url, BACKUP_API_KEY: backupKey },
      logger: silent,
    });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([primary?.close(), backup?.close()]);
  });
  beforeEach(() => {
    primary.reset();
    backup.reset();
  });

  it('serves from the primary while it is healthy: one attempt, no fallback', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'steady' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: steady');
    expect(response.headers.get('x-switchyard-deployment')).toBe('primary/gpt-4o-mini');
    expect(response.headers.get('x-switchyard-attempts')).toBe('1');
    expect(response.headers.get('x-switchyard-fallback')).toBeNull();
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });

  it('retries the failing primary once, then falls back to the backup', async () => {
    primary.script(failure, failure);
    const { data, response } = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'are you up?' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: are you up?');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(response.headers.get('x-switchyard-attempts')).toBe('3');
    expect(response.headers.get('x-switchyard-deployment')).toBe('backup/gpt-4o-mini');
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(1);
    // Each upstream got its own key, and the model name without the provider id.
    expect(primary.requests[0]?.headers.authorization).toBe(`Bearer ${primaryKey}`);
    expect(backup.requests[0]?.headers.authorization).toBe(`Bearer ${backupKey}`);
    expect(backup.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('falls back for a stream too, before the first byte reaches the client', async () => {
    primary.script(failure, failure);
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'assistant', stream: true, messages: [{ role: 'user', content: 'stream it' }] })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream it');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(response.headers.get('x-switchyard-deployment')).toBe('backup/gpt-4o-mini');
  });

  it('answers the last error when every deployment fails', async () => {
    primary.script(failure, failure);
    backup.script(failure, failure);
    const error = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'anyone?' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-switchyard-attempts')).toBe('4');
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(2);
  });
});
