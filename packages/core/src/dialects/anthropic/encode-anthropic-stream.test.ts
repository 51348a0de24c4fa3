import { type ChatCompletionChunk, chunkPart, invalidRequest, JsonPayload, type StreamPart } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { anthropicDialect } from './anthropic-dialect.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

function chunk(
  delta: Delta | undefined,
  finishReason: ChatCompletionChunk['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: delta === undefined ? [] : [{ index: 0, delta, finish_reason: finishReason }],
  };
}

function usageChunk(promptTokens: number, completionTokens: number, cachedTokens = 0): ChatCompletionChunk {
  return {
    ...chunk(undefined),
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens },
    },
  };
}

async function* partsOf(chunks: ChatCompletionChunk[], failure?: Error): AsyncGenerator<StreamPart> {
  for (const entry of chunks) yield chunkPart(JsonPayload.fromText(JSON.stringify(entry)));
  if (failure) throw failure;
}

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A tiny SSE splitter: frames are separated by a blank line, each has `event:` and `data:` lines. */
function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.length > 0)
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice('data: '.length) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

async function encode(chunks: ChatCompletionChunk[]): Promise<{ writes: string[]; events: SseEvent[] }> {
  const writes: string[] = [];
  for await (const text of anthropicDialect.encodeStream(partsOf(chunks), { includeUsage: false })) writes.push(text);
  return { writes, events: parseSse(writes.join('')) };
}

describe('anthropicDialect.encodeStream', () => {
  it('streams text with event lines, block indexes, and usage from the trailing usage chunk', async () => {
    const { writes, events } = await encode([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo!' }),
      chunk({}, 'stop'),
      usageChunk(12, 3, 4),
    ]);
    expect(events.map((entry) => entry.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    for (const entry of events) expect(entry.data.type).toBe(entry.event);
    expect(events[0]?.data.message).toEqual({
      id: 'msg_chatcmpl-1',
      type: 'message',
      role: 'assistant',
      model: 'gpt-4o-mini',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(events[2]?.data).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = events
      .filter((entry) => entry.event === 'content_block_delta')
      .map((entry) => (entry.data.delta as { text: string }).text)
      .join('');
    expect(text).toBe('Hello!');
    expect(events[6]?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 8, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 4 },
    });
    // Written as chunks arrive: the finish chunk closes the block, the usage chunk brings message_delta.
    expect(writes.map((write) => parseSse(write).map((entry) => entry.event))).toEqual([
      ['message_start', 'ping'],
      ['content_block_start', 'content_block_delta'],
      ['content_block_delta'],
      ['content_block_stop'],
      ['message_delta'],
      ['message_stop'],
    ]);
  });

  it('gives reasoning, text and each tool call their own block, in order', async () => {
    const { events } = await encode([
      chunk({ role: 'assistant', reasoning_content: 'Think' }),
      chunk({ reasoning_content: 'ing.' }),
      chunk({ content: 'Calling tools.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
      { ...chunk({}, 'tool_calls'), usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 } },
    ]);
    const starts = events.filter((entry) => entry.event === 'content_block_start').map((entry) => entry.data);
    expect(starts).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} },
      },
      { type: 'content_block_start', index: 3, content_block: { type: 'tool_use', id: 'call_b', name: 'get_time', input: {} } },
    ]);
    const deltasOf = (index: number) =>
      events
        .filter((entry) => entry.event === 'content_block_delta' && entry.data.index === index)
        .map((entry) => entry.data.delta as Record<string, string>);
    expect(deltasOf(0)).toEqual([
      { type: 'thinking_delta', thinking: 'Think' },
      { type: 'thinking_delta', thinking: 'ing.' },
    ]);
    expect(deltasOf(1)).toEqual([{ type: 'text_delta', text: 'Calling tools.' }]);
    expect(
      deltasOf(2)
        .map((delta) => delta.partial_json)
        .join(''),
    ).toBe('{"city":"Paris"}');
    expect(deltasOf(3)).toEqual([{ type: 'input_json_delta', partial_json: '{}' }]);
    const stops = events.filter((entry) => entry.event === 'content_block_stop').map((entry) => entry.data.index);
    expect(stops).toEqual([0, 1, 2, 3]);
    // Every block is stopped before the next starts.
    const order = events
      .filter((entry) => entry.event.startsWith('content_block_'))
      .map((entry) => `${entry.event}:${entry.data.index}`);
    expect(order.indexOf('content_block_stop:0')).toBeLessThan(order.indexOf('content_block_start:1'));
    expect(order.indexOf('content_block_stop:2')).toBeLessThan(order.indexOf('content_block_start:3'));
    expect(events.at(-2)?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { input_tokens: 5, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    expect(events.at(-1)?.event).toBe('message_stop');
  });

  it('sends message_delta at the end with zero usage when the upstream never reports usage', async () => {
    const { events } = await encode([chunk({ content: 'Hi' }), chunk({}, 'length')]);
    expect(events.slice(-3).map((entry) => entry.event)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(events.at(-2)?.data).toMatchObject({
      delta: { stop_reason: 'max_tokens' },
      usage: { input_tokens: 0, output_tokens: 0 },
    });
  });

  it('closes an open block and ends the message when the stream stops without a finish reason', async () => {
    const { events } = await encode([chunk({ content: 'Hi' })]);
    expect(events.map((entry) => entry.event)).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('writes a complete empty message for an empty stream', async () => {
    const { events } = await encode([]);
    expect(events.map((entry) => entry.event)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop']);
  });

  it('synthesizes a tool id when the first fragment has none', async () => {
    const { events } = await encode([
      chunk({ tool_calls: [{ index: 0, function: { name: 'run', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ]);
    const start = events.find((entry) => entry.event === 'content_block_start');
    expect(start?.data.content_block).toEqual({ type: 'tool_use', id: 'toolu_msg_chatcmpl-1_0', name: 'run', input: {} });
  });

  it('turns a thrown error into an error event, then rethrows it', async () => {
    const failure = invalidRequest('Upstream rejected the prompt.');
    const writes: string[] = [];
    const stream = anthropicDialect.encodeStream(partsOf([chunk({ content: 'Hi' })], failure), { includeUsage: true });
    await expect(
      (async () => {
        for await (const text of stream) writes.push(text);
      })(),
    ).rejects.toBe(failure);
    const events = parseSse(writes.join(''));
    expect(events.at(-1)).toEqual({
      event: 'error',
      data: { type: 'error', error: { type: 'invalid_request_error', message: 'Upstream rejected the prompt.' } },
    });
    expect(events.some((entry) => entry.event === 'message_stop')).toBe(false);
  });

  it('reports an unknown thrown value as a generic api_error', async () => {
    const writes: string[] = [];
    const stream = anthropicDialect.encodeStream(partsOf([], new Error('socket hang up with secret')), { includeUsage: true });
    await expect(
      (async () => {
        for await (const text of stream) writes.push(text);
      })(),
    ).rejects.toThrow('socket hang up');
    const last = parseSse(writes.join('')).at(-1);
    expect(last?.data).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'The gateway failed to process the request.' },
    });
  });
});
