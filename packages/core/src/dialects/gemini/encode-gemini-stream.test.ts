import { type ChatCompletionChunk, chunkPart, GatewayError, JsonPayload, type StreamPart } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { geminiDialect } from './gemini-dialect.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';

type Choice = ChatCompletionChunk['choices'][number];

function chunk(delta: Choice['delta'], finishReason: Choice['finish_reason'] = null, index = 0): ChatCompletionChunk {
  return {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index, delta, finish_reason: finishReason }],
  };
}

const usageChunk: ChatCompletionChunk = {
  id: 'chatcmpl-s',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [],
  usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
};

async function* partsOf(chunks: ChatCompletionChunk[], failure?: Error): AsyncGenerator<StreamPart> {
  for (const entry of chunks) yield chunkPart(JsonPayload.fromText(JSON.stringify(entry)));
  if (failure) throw failure;
}

/** Splits `data:` frames; Gemini streams have no event names and no terminator. */
function parseFrames(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.length > 0)
    .map((frame) => {
      expect(frame.startsWith('data: ')).toBe(true);
      return JSON.parse(frame.slice('data: '.length)) as unknown;
    });
}

async function encode(chunks: ChatCompletionChunk[]): Promise<{ writes: string[]; frames: GeminiGenerateContentResponse[] }> {
  const writes: string[] = [];
  for await (const text of geminiDialect.encodeStream(partsOf(chunks), { includeUsage: false })) writes.push(text);
  return { writes, frames: parseFrames(writes.join('')) as GeminiGenerateContentResponse[] };
}

describe('geminiDialect.encodeStream', () => {
  it('streams text frames as chunks arrive, finishReason on the last content frame, usage on the final frame', async () => {
    const { writes, frames } = await encode([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({}, 'stop'),
      usageChunk,
    ]);
    expect(writes).toHaveLength(4);
    expect(frames).toEqual([
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'Hel' }] }, index: 0 }],
        modelVersion: 'gpt-4o-mini',
        responseId: 'chatcmpl-s',
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'lo' }] }, index: 0 }],
        modelVersion: 'gpt-4o-mini',
        responseId: 'chatcmpl-s',
      },
      {
        candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 0 }],
        modelVersion: 'gpt-4o-mini',
        responseId: 'chatcmpl-s',
      },
      {
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
        modelVersion: 'gpt-4o-mini',
        responseId: 'chatcmpl-s',
      },
    ]);
    expect(writes.join('')).not.toContain('[DONE]');
  });

  it('sends each tool call whole, once the next call starts or the choice finishes', async () => {
    const { writes, frames } = await encode([
      chunk({ reasoning_content: 'Plan.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
      { ...chunk({}, 'tool_calls'), usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } },
    ]);
    expect(writes).toHaveLength(3);
    expect(frames[0]?.candidates?.[0]?.content.parts).toEqual([{ text: 'Plan.', thought: true }]);
    expect(frames[1]?.candidates?.[0]?.content.parts).toEqual([
      { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } } },
    ]);
    expect(frames[2]).toEqual({
      candidates: [
        {
          content: { role: 'model', parts: [{ functionCall: { id: 'call_b', name: 'get_time', args: {} } }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 2, totalTokenCount: 3 },
      modelVersion: 'gpt-4o-mini',
      responseId: 'chatcmpl-s',
    });
  });

  it('flushes a tool call left open when the stream ends without a finish reason, with a synthesized id', async () => {
    const { frames } = await encode([chunk({ tool_calls: [{ index: 0, function: { name: 'run', arguments: '{"a":1}' } }] })]);
    expect(frames).toEqual([
      {
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { id: 'call_chatcmpl-s_0', name: 'run', args: { a: 1 } } }] },
            index: 0,
          },
        ],
        modelVersion: 'gpt-4o-mini',
        responseId: 'chatcmpl-s',
      },
    ]);
  });

  it('keeps candidates apart by choice index', async () => {
    const { frames } = await encode([
      {
        ...chunk({ content: 'A' }),
        choices: [
          { index: 0, delta: { content: 'A' }, finish_reason: null },
          { index: 1, delta: { content: 'B' }, finish_reason: null },
        ],
      },
      chunk({}, 'stop', 1),
      chunk({}, 'length', 0),
    ]);
    expect(frames.map((frame) => frame.candidates)).toEqual([
      [
        { content: { role: 'model', parts: [{ text: 'A' }] }, index: 0 },
        { content: { role: 'model', parts: [{ text: 'B' }] }, index: 1 },
      ],
      [{ content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 1 }],
      [{ content: { role: 'model', parts: [] }, finishReason: 'MAX_TOKENS', index: 0 }],
    ]);
  });

  it('writes nothing for an empty stream', async () => {
    expect((await encode([])).writes).toEqual([]);
  });

  it('turns a thrown error into an error frame, then rethrows it', async () => {
    const failure = new GatewayError({ message: 'Quota exceeded', kind: 'rate_limit', status: 429, retryable: true });
    const writes: string[] = [];
    await expect(
      (async () => {
        for await (const text of geminiDialect.encodeStream(partsOf([chunk({ content: 'Hi' })], failure), { includeUsage: true }))
          writes.push(text);
      })(),
    ).rejects.toBe(failure);
    expect(parseFrames(writes.join('')).at(-1)).toEqual({
      error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' },
    });
  });
});
