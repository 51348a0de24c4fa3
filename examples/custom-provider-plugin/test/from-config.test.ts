/**
 * The provider plugin as a gateway uses it: `switchyard.yaml` loads the built package by path, the
 * Nimbus host is a fake OpenAI server (`startFakeOpenAI`), and the openai SDK talks to the gateway.
 */
import { createJsonLogger } from '@switchyard/core';
import { loadConfigFile, loadGatewayFromConfig, type RunningServer, startServer } from '@switchyard/server';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureBuilt, exampleRoot } from './build-plugin.js';

const nimbusKey = 'nb-test-0123456789abcdef';
const configFile = `${exampleRoot}switchyard.yaml`;
const silent = createJsonLogger({ level: 'silent' });
let nimbus: FakeOpenAI;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  ensureBuilt();
  nimbus = await startFakeOpenAI({ apiKey: nimbusKey, models: ['nimbus-large', 'nimbus-small'] });
  const env = { NIMBUS_API_KEY: nimbusKey, NIMBUS_BASE_URL: nimbus.url };
  const config = await loadConfigFile(configFile, env);
  const gateway = await loadGatewayFromConfig(config, { env, logger: silent, source: configFile, cwd: exampleRoot });
  server = await startServer({ gateway, port: 0 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
  await nimbus?.close();
});
beforeEach(() => nimbus.reset());

describe('the Nimbus provider plugin loaded from switchyard.yaml', () => {
  it('serves nimbus/<model> with the host quirks: max_tokens, no parallel_tool_calls, the region header', async () => {
    const completion = await client.chat.completions.create({
      model: 'nimbus/nimbus-small',
      max_completion_tokens: 40,
      parallel_tool_calls: false,
      tools: [{ type: 'function', function: { name: 'noop', parameters: { type: 'object', properties: {} } } }],
      messages: [{ role: 'user', content: 'hi nimbus' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: hi nimbus');
    const sent = nimbus.lastRequest();
    expect(sent?.headers.authorization).toBe(`Bearer ${nimbusKey}`);
    expect(sent?.headers['x-nimbus-region']).toBe('us');
    expect(sent?.body).toMatchObject({ model: 'nimbus-small', max_tokens: 40 });
    expect(sent?.body).not.toHaveProperty('max_completion_tokens');
    expect(sent?.body).not.toHaveProperty('parallel_tool_calls');
  });

  it('streams', async () => {
    const stream = await client.chat.completions.create({
      model: 'nimbus/nimbus-large',
      stream: true,
      messages: [{ role: 'user', content: 'stream from nimbus' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream from nimbus');
  });

  it('lists its models next to the configured providers', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['nimbus/nimbus-large', 'nimbus/nimbus-small', 'mock/echo']));
  });

  it('works in an alias, falling back to mock/echo when Nimbus fails', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'first choice' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-deployment')).toBe('nimbus/nimbus-large');
    expect(data.choices[0]?.message.content).toBe('echo: first choice');

    const outage = { kind: 'error', status: 503, message: 'Nimbus is down.' } as const;
    nimbus.script(outage, outage, outage);
    const fallback = await client.chat.completions
      .create({ model: 'assistant', messages: [{ role: 'user', content: 'second choice' }] })
      .withResponse();
    expect(fallback.response.headers.get('x-switchyard-deployment')).toBe('mock/echo');
    expect(fallback.response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(fallback.data.choices[0]?.message.content).toBe('echo: second choice');
  });

  it('maps the host errors to OpenAI-dialect errors without leaking its key', async () => {
    nimbus.script({ kind: 'error', status: 401, message: `bad key ${nimbusKey}` });
    const error = await client.chat.completions
      .create({ model: 'nimbus/nimbus-large', messages: [{ role: 'user', content: 'x' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(JSON.stringify((error as InstanceType<typeof OpenAI.APIError>).error)).not.toContain(nimbusKey);
  });
});

describe('starting without a key', () => {
  it('stops the gateway at start with a message naming the setting', async () => {
    // The file's section with its `apiKey` line removed, and no NIMBUS_API_KEY in the environment.
    const config = await loadConfigFile(configFile, { NIMBUS_API_KEY: 'placeholder-key' });
    const withoutKey = {
      ...config,
      plugins: config.plugins.map((entry) => ({ ...entry, config: { region: 'eu' } })),
    };
    await expect(loadGatewayFromConfig(withoutKey, { env: {}, logger: silent, cwd: exampleRoot })).rejects.toThrow(
      /NIMBUS_API_KEY/,
    );
  });
});
