/**
 * The plugin as a gateway uses it: `switchyard.yaml` names the built package by path under `plugins:`,
 * `loadGatewayFromConfig` loads, checks and sets it up, and the openai SDK talks to the running server.
 */
import { createJsonLogger } from '@switchyard/core';
import { loadConfigFile, loadGatewayFromConfig, type RunningServer, startServer } from '@switchyard/server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptWords } from '../src/index.js';
import { ensureBuilt, exampleRoot } from './build-plugin.js';

let server: RunningServer;
let client: OpenAI;
const logLines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ensureBuilt();
  const configFile = `${exampleRoot}switchyard.yaml`;
  const config = await loadConfigFile(configFile, {});
  const logger = createJsonLogger({ level: 'info', write: (line) => logLines.push(JSON.parse(line)) });
  const gateway = await loadGatewayFromConfig(config, { env: {}, logger, source: configFile, cwd: exampleRoot });
  server = await startServer({ gateway, port: 0 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await server?.close();
});

describe('the plugin loaded from switchyard.yaml', () => {
  it('was set up with the config file section', () => {
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'prompt word limit on', maxWords: 20 }));
  });

  it('lets a short prompt through and reports its word count', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'mock/echo',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'how many words is this?' },
        ],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: how many words is this?');
    expect(response.headers.get('x-prompt-words')).toBe('7');
  });

  it('counts streamed requests too', async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'mock/echo', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'a b c' }] }] })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: a b c');
    expect(response.headers.get('x-prompt-words')).toBe('3');
  });

  it('refuses a prompt over the limit with a 400 in the OpenAI dialect, without echoing it', async () => {
    const long = Array.from({ length: 21 }, (_, index) => `secret${index}`).join(' ');
    const error = await client.chat.completions
      .create({ model: 'mock/echo', messages: [{ role: 'user', content: long }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const refused = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(refused.code).toBe('prompt_too_long');
    expect(refused.message).toContain('21 words');
    expect(refused.message).not.toContain('secret');
    expect(refused.headers?.get('x-prompt-words')).toBe('21');
  });

  it('serves its stats endpoint next to the API', async () => {
    const response = await fetch(`${server.url}/plugin/prompt-word-limit/stats`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ maxWords: 20, allowed: 2, refused: 1 });
  });
});

describe('promptWords', () => {
  it('counts words in string and text-part contents, ignoring other parts', () => {
    expect(
      promptWords([
        { content: '  one   two ' },
        { content: [{ type: 'text', text: 'three' }, { type: 'image_url' }] },
        { content: null },
        {},
      ]),
    ).toBe(3);
  });
});
