import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { createGateway, silentLogger } from '@switchyard/core';
import { createAnthropicProvider } from '@switchyard/provider-anthropic';
import { createGeminiProvider } from '@switchyard/provider-gemini';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import {
  type FakeAnthropic,
  type FakeGemini,
  type FakeOpenAI,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAI,
} from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/start-server.js';

/**
 * Every ingress dialect against every provider, through the real server, with the official SDKs as
 * clients and fake upstreams speaking each provider's wire format. Every fake answers
 * `echo: <last user text>`, so each cell checks the text made the whole round trip.
 */
let openaiUpstream: FakeOpenAI;
let anthropicUpstream: FakeAnthropic;
let geminiUpstream: FakeGemini;
let server: RunningServer;

beforeAll(async () => {
  [openaiUpstream, anthropicUpstream, geminiUpstream] = await Promise.all([
    startFakeOpenAI(),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  const gateway = createGateway({
    providers: [
      createOpenAIProvider({ apiKey: 'sk-openai', baseURL: openaiUpstream.url }),
      createAnthropicProvider({ apiKey: 'sk-ant', baseURL: anthropicUpstream.url }),
      createGeminiProvider({ apiKey: 'gemini-key', baseURL: geminiUpstream.url }),
    ],
    logger: silentLogger,
  });
  server = await startServer({ gateway, port: 0 });
});
afterAll(async () => {
  await server.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), geminiUpstream.close()]);
});

interface ProviderCase {
  model: string;
  /** The path the fake upstream saw for the last call. */
  lastPath: () => string | undefined;
}

const providers: Record<string, ProviderCase> = {
  openai: { model: 'openai/gpt-4o-mini', lastPath: () => openaiUpstream.lastRequest()?.path },
  anthropic: { model: 'anthropic/claude-sonnet-4-5', lastPath: () => anthropicUpstream.lastRequest()?.path },
  gemini: { model: 'gemini/gemini-2.5-flash', lastPath: () => geminiUpstream.lastRequest()?.path },
};

const expectedPath: Record<string, RegExp> = {
  openai: /^\/v1\/chat\/completions/,
  anthropic: /^\/v1\/messages/,
  gemini: /^\/v1beta\/models\/gemini-2\.5-flash:(generateContent|streamGenerateContent)/,
};

interface Ingress {
  complete(model: string, text: string): Promise<string>;
  stream(model: string, text: string): Promise<string>;
}

const ingresses: Record<string, () => Ingress> = {
  openai: () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'gateway-key', maxRetries: 0 });
    return {
      async complete(model, text) {
        const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: text }] });
        return completion.choices[0]?.message.content ?? '';
      },
      async stream(model, text) {
        const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: text }], stream: true });
        let result = '';
        for await (const chunk of stream) result += chunk.choices[0]?.delta.content ?? '';
        return result;
      },
    };
  },
  gemini: () => {
    const client = new GoogleGenAI({ apiKey: 'gateway-key', httpOptions: { baseUrl: server.url } });
    return {
      async complete(model, text) {
        const response = await client.models.generateContent({ model, contents: text });
        return response.text ?? '';
      },
      async stream(model, text) {
        let result = '';
        for await (const chunk of await client.models.generateContentStream({ model, contents: text }))
          result += chunk.text ?? '';
        return result;
      },
    };
  },
  anthropic: () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: 'gateway-key', maxRetries: 0 });
    const textOf = (content: Anthropic.ContentBlock[]) =>
      content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    return {
      async complete(model, text) {
        const message = await client.messages.create({ model, max_tokens: 256, messages: [{ role: 'user', content: text }] });
        return textOf(message.content);
      },
      async stream(model, text) {
        const stream = client.messages.stream({ model, max_tokens: 256, messages: [{ role: 'user', content: text }] });
        let result = '';
        stream.on('text', (delta) => {
          result += delta;
        });
        const final = await stream.finalMessage();
        expect(textOf(final.content)).toBe(result);
        return result;
      },
    };
  },
};

for (const [ingressName, makeIngress] of Object.entries(ingresses)) {
  describe(`${ingressName} SDK →`, () => {
    for (const [providerName, provider] of Object.entries(providers)) {
      it(`${providerName}: a plain completion`, async () => {
        const text = `hello from ${ingressName} to ${providerName}`;
        expect(await makeIngress().complete(provider.model, text)).toBe(`echo: ${text}`);
        expect(provider.lastPath()).toMatch(expectedPath[providerName] as RegExp);
      });

      it(`${providerName}: a stream`, async () => {
        const text = `streaming from ${ingressName} to ${providerName}`;
        expect(await makeIngress().stream(provider.model, text)).toBe(`echo: ${text}`);
        expect(provider.lastPath()).toMatch(expectedPath[providerName] as RegExp);
      });
    }
  });
}

describe('Anthropic count_tokens', () => {
  it('is answered by an Anthropic target with the upstream count', async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: 'gateway-key', maxRetries: 0 });
    const counted = await client.messages.countTokens({
      model: providers.anthropic?.model ?? '',
      messages: [{ role: 'user', content: 'count these words please' }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(anthropicUpstream.lastRequest()?.path).toBe('/v1/messages/count_tokens');
  });

  it('is refused in the Anthropic error shape for a provider without a tokenizer endpoint', async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: 'gateway-key', maxRetries: 0 });
    const error = await client.messages
      .countTokens({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
  });
});

describe('errors in each dialect', () => {
  it('answers an unknown model in the Anthropic shape on /v1/messages', async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'nope/x', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('answers an unknown model in the Gemini shape on :generateContent', async () => {
    const response = await fetch(`${server.url}/v1beta/models/nope-x:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });
});
