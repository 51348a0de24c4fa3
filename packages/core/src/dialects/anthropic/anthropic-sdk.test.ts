// Wire-compatibility check against the official Anthropic SDK (a root devDependency). No HTTP: the client's
// `fetch` answers with what the dialect encodes.
import Anthropic, { APIError } from '@anthropic-ai/sdk';
import {
  type ChatCompletion,
  type ChatCompletionChunk,
  chunkPart,
  GatewayError,
  JsonPayload,
  type StreamPart,
} from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { anthropicDialect } from './anthropic-dialect.js';

function clientAnswering(respond: () => Response): Anthropic {
  return new Anthropic({ apiKey: 'sk-test', maxRetries: 0, fetch: async () => respond() });
}

function sseResponse(parts: AsyncIterable<StreamPart>): Response {
  const iterator = anthropicDialect.encodeStream(parts, { includeUsage: false })[Symbol.asyncIterator]();
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

const params = { model: 'any-model', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('the Anthropic SDK reading the anthropic dialect', () => {
  it('reads a non-streamed message', async () => {
    const completion: ChatCompletion = {
      id: 'chatcmpl-sdk',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello there' } }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    };
    const body = anthropicDialect.encodeCompletion({
      type: 'completion',
      source: 'provider',
      body: JsonPayload.fromValue(completion),
    });
    const client = clientAnswering(() => new Response(body, { headers: { 'content-type': 'application/json' } }));
    const message = await client.messages.create(params);
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there' }]);
    expect(message.usage).toMatchObject({ input_tokens: 10, output_tokens: 2 });
  });

  it('accumulates a stream with thinking, text and a tool call into the final message', async () => {
    const client = clientAnswering(() =>
      sseResponse(
        partsOf([
          chunk({ role: 'assistant', content: '', reasoning_content: 'Hmm.' }),
          chunk({ content: 'Let me ' }),
          chunk({ content: 'look.' }),
          chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"cats"}' } }] }),
          chunk({}, 'tool_calls'),
          {
            ...chunk({}),
            choices: [],
            usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27, prompt_tokens_details: { cached_tokens: 5 } },
          },
        ]),
      ),
    );
    const message = await client.messages.stream(params).finalMessage();
    expect(message.id).toBe('msg_chatcmpl-sdk');
    expect(message.content).toMatchObject([
      { type: 'thinking', thinking: 'Hmm.' },
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_use', id: 'call_1', name: 'lookup', input: { q: 'cats' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toMatchObject({ input_tokens: 15, output_tokens: 7, cache_read_input_tokens: 5 });
  });

  it('throws an APIError with the error type for an in-stream error event', async () => {
    const failure = new GatewayError({ message: 'Overloaded upstream', kind: 'unavailable', status: 503, retryable: true });
    const client = clientAnswering(() => sseResponse(partsOf([chunk({ content: 'Partial' })], failure)));
    const stream = await client.messages.create({ ...params, stream: true });
    const error = await (async () => {
      try {
        for await (const _event of stream) {
          // drain
        }
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded upstream' },
    });
  });

  it('surfaces an encoded HTTP error as the matching SDK error', async () => {
    const encoded = anthropicDialect.encodeError(
      new GatewayError({
        message: 'Too many requests',
        kind: 'rate_limit',
        status: 429,
        retryable: true,
        headers: { 'retry-after': '1' },
      }),
    );
    const client = clientAnswering(() => new Response(encoded.body, { status: encoded.status, headers: encoded.headers }));
    const error = await client.messages.create(params).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as APIError).error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Too many requests' },
    });
  });
});
