import Anthropic from '@anthropic-ai/sdk';
import { createGateway, silentLogger } from '@switchyard/core';
import { createAnthropicProvider } from '@switchyard/provider-anthropic';
import { createGeminiProvider } from '@switchyard/provider-gemini';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeAnthropic, type FakeGemini, type FakeOpenAI, startFakeAnthropic, startFakeGemini, startFakeOpenAI } from '@switchyard/testkit';
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
  [openaiUpstream, anthropicUpstream, geminiUpstream] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
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
  anthropic: () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: 'gateway-key', maxRetries: 0 });
    const textOf = (content: Anthropic.ContentBlock[]) => content.map((block) => (block.type === 'text' ? block.text : '')).join('');
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
