// Wire-compatibility check against the official Google Gen AI SDK (a root devDependency). No HTTP: the
// global `fetch` is stubbed to record the SDK's request and answer with what the dialect encodes.
import { ApiError, FunctionCallingConfigMode, type GenerateContentResponse, GoogleGenAI, Type } from '@google/genai';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  chunkPart,
  GatewayError,
  JsonPayload,
  type StreamPart,
} from '@switchyard/spec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeGeminiRequest } from './decode-gemini-request.js';
import { geminiDialect } from './gemini-dialect.js';

interface Recorded {
  url: string;
  body: unknown;
}

function stubFetch(respond: () => Response): Recorded[] {
  const recorded: Recorded[] = [];
  vi.stubGlobal('fetch', async (input: string | URL | Request, init?: RequestInit) => {
    recorded.push({ url: String(input), body: JSON.parse(String(init?.body ?? 'null')) });
    return respond();
  });
  return recorded;
}

function sseResponse(parts: AsyncIterable<StreamPart>): Response {
  const iterator = geminiDialect.encodeStream(parts, { includeUsage: false })[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        controller.error(error);
      }
    },
  });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

function chunk(
  delta: ChatCompletionChunk['choices'][number]['delta'],
  finishReason: 'stop' | 'tool_calls' | null = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-sdk',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

async function* partsOf(chunks: ChatCompletionChunk[], failure?: Error): AsyncGenerator<StreamPart> {
  for (const entry of chunks) yield chunkPart(JsonPayload.fromValue(entry));
  if (failure) throw failure;
}

/** The visible text of a response (`response.text` warns when there are function calls). */
function textOf(response: GenerateContentResponse): string {
  const parts = response.candidates?.[0]?.content?.parts ?? [];
  return parts
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text)
    .join('');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the Google Gen AI SDK against the gemini dialect', () => {
  it('sends a request the decoder maps, and reads the encoded response', async () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-sdk',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: 'Checking.',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 },
    };
    const body = geminiDialect.encodeCompletion({
      type: 'completion',
      source: 'provider',
      body: JsonPayload.fromValue(completion),
    });
    const recorded = stubFetch(() => new Response(body, { headers: { 'content-type': 'application/json' } }));
    const ai = new GoogleGenAI({ apiKey: 'test-key' });
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Weather in Oslo?',
      config: {
        systemInstruction: 'Be brief.',
        temperature: 0.5,
        maxOutputTokens: 50,
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ['city'] },
              },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_weather'] } },
      },
    });
    expect(textOf(response)).toBe('Checking.');
    expect(response.functionCalls).toEqual([{ id: 'call_1', name: 'get_weather', args: { city: 'Oslo' } }]);
    expect(response.usageMetadata).toMatchObject({ promptTokenCount: 12, candidatesTokenCount: 6, totalTokenCount: 18 });
    expect(response.responseId).toBe('chatcmpl-sdk');

    const [request] = recorded;
    expect(request?.url).toContain('/models/gemini-2.5-flash:generateContent');
    expect(decodeGeminiRequest(request?.body, { model: 'gemini-2.5-flash', stream: false })).toEqual({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Oslo?' },
      ],
      temperature: 0.5,
      max_tokens: 50,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
  });

  it('reads a stream chunk by chunk, with the function call and usage', async () => {
    const recorded = stubFetch(() =>
      sseResponse(
        partsOf([
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Let me ' }),
          chunk({ content: 'look.' }),
          chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"cats"}' } }] }),
          chunk({}, 'tool_calls'),
          { ...chunk({}), choices: [], usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 } },
        ]),
      ),
    );
    const ai = new GoogleGenAI({ apiKey: 'test-key' });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Cats?' });
    let text = '';
    const calls: unknown[] = [];
    let usage: unknown;
    let finishReason: unknown;
    for await (const response of stream) {
      text += textOf(response);
      calls.push(...(response.functionCalls ?? []));
      usage = response.usageMetadata ?? usage;
      finishReason = response.candidates?.[0]?.finishReason ?? finishReason;
    }
    expect(recorded[0]?.url).toContain(':streamGenerateContent?alt=sse');
    expect(text).toBe('Let me look.');
    expect(calls).toEqual([{ id: 'call_9', name: 'lookup', args: { q: 'cats' } }]);
    expect(finishReason).toBe('STOP');
    expect(usage).toMatchObject({ promptTokenCount: 4, candidatesTokenCount: 3, totalTokenCount: 7 });
  });

  it('throws on an in-stream error frame', async () => {
    const failure = new GatewayError({ message: 'Upstream is down', kind: 'unavailable', status: 503, retryable: true });
    stubFetch(() => sseResponse(partsOf([chunk({ content: 'Partial' })], failure)));
    const ai = new GoogleGenAI({ apiKey: 'test-key' });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi' });
    const error = await (async () => {
      try {
        for await (const _response of stream) {
          // drain
        }
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain('Upstream is down');
  });

  it('surfaces an encoded HTTP error as an ApiError with its status', async () => {
    const encoded = geminiDialect.encodeError(new GatewayError({ message: 'Quota exceeded', kind: 'rate_limit', status: 429 }));
    stubFetch(
      () =>
        new Response(encoded.body, {
          status: encoded.status,
          headers: { 'content-type': 'application/json', ...encoded.headers },
        }),
    );
    const ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { retryOptions: { attempts: 1 } } });
    const error = await ai.models
      .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain('Quota exceeded');
  });
});
