import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, Type } from '@google/genai';
import { createGateway, silentLogger } from '@switchyard/core';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeOpenAI, openaiChunks, openaiCompletion, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/start-server.js';

/** Tool calls from Anthropic and Gemini clients, translated to an OpenAI upstream and back. */
let upstream: FakeOpenAI;
let server: RunningServer;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  const gateway = createGateway({
    providers: [createOpenAIProvider({ apiKey: 'sk-openai', baseURL: upstream.url })],
    logger: silentLogger,
  });
  server = await startServer({ gateway, port: 0 });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

const weatherCall = { id: 'call_1', name: 'get_weather', argumentPieces: ['{"loc', 'ation":"Shang', 'hai"}'] };

describe('Anthropic SDK → OpenAI upstream: tools', () => {
  const client = () => new Anthropic({ baseURL: server.url, apiKey: 'gateway-key', maxRetries: 0 });
  const tools: Anthropic.Tool[] = [
    {
      name: 'get_weather',
      description: 'Weather by city',
      input_schema: { type: 'object', properties: { location: { type: 'string' } } },
    },
  ];

  it('sends tools as OpenAI functions and returns tool_use blocks', async () => {
    upstream.script({
      kind: 'json',
      body: openaiCompletion({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Shanghai"}' }] }),
    });
    const message = await client().messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'weather?' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toContainEqual(
      expect.objectContaining({ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Shanghai' } }),
    );
    expect(upstream.lastRequest()?.body).toMatchObject({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      max_tokens: 100,
    });
  });

  it('streams tool input as input_json_delta that reassembles into the arguments', async () => {
    upstream.script({ kind: 'sse', events: openaiChunks({ toolCalls: [weatherCall] }) });
    const stream = client().messages.stream({
      model: 'openai/gpt-4o-mini',
      max_tokens: 100,
      tools,
      messages: [{ role: 'user', content: 'weather?' }],
    });
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toContainEqual(
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { location: 'Shanghai' } }),
    );
  });

  it('turns a tool_result turn into an OpenAI tool message', async () => {
    await client().messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 100,
      tools,
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'call_1', name: 'get_weather', input: { location: 'Shanghai' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: 'sunny, 21°C' }] },
      ],
    });
    const sent = upstream.lastRequest()?.body as { messages: Array<Record<string, unknown>> };
    expect(sent.messages.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_1', function: { name: 'get_weather' } }],
    });
    const toolCalls = (sent.messages.at(-2)?.tool_calls ?? []) as Array<{ function: { arguments: string } }>;
    expect(JSON.parse(toolCalls[0]?.function.arguments ?? '')).toEqual({ location: 'Shanghai' });
    expect(sent.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21°C' });
  });
});

describe('Gemini SDK → OpenAI upstream: tools', () => {
  const client = () => new GoogleGenAI({ apiKey: 'gateway-key', httpOptions: { baseUrl: server.url } });
  const config = {
    tools: [
      {
        functionDeclarations: [
          { name: 'get_weather', parameters: { type: Type.OBJECT, properties: { location: { type: Type.STRING } } } },
        ],
      },
    ],
  };

  it('returns function calls, streaming and not', async () => {
    upstream.script({
      kind: 'json',
      body: openaiCompletion({ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Shanghai"}' }] }),
    });
    const response = await client().models.generateContent({ model: 'openai/gpt-4o-mini', contents: 'weather?', config });
    expect(response.functionCalls?.[0]).toMatchObject({ name: 'get_weather', args: { location: 'Shanghai' } });
    expect(upstream.lastRequest()?.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'get_weather' } }] });

    upstream.script({ kind: 'sse', events: openaiChunks({ toolCalls: [weatherCall] }) });
    const calls = [];
    for await (const chunk of await client().models.generateContentStream({
      model: 'openai/gpt-4o-mini',
      contents: 'weather?',
      config,
    })) {
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'get_weather', args: { location: 'Shanghai' } });
  });
});
