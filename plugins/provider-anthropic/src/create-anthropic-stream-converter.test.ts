import type { ChatCompletionChunk } from '@switchyard/spec';
import { type AnthropicSseEvent, anthropicStreamEvents, anthropicUsage } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import type { AnthropicStreamEvent } from './anthropic-wire-types.js';
import { createAnthropicStreamConverter } from './create-anthropic-stream-converter.js';

function run(events: AnthropicSseEvent[]): { chunks: ChatCompletionChunk[]; completed: boolean } {
  const converter = createAnthropicStreamConverter({ created: 7, model: 'requested-model' });
  const chunks = events.flatMap((event) => converter.push(event.data as AnthropicStreamEvent));
  return { chunks, completed: converter.completed };
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta);

describe('createAnthropicStreamConverter', () => {
  it('streams a role chunk, content deltas, a finish chunk and a final usage chunk', () => {
    const { chunks, completed } = run(
      anthropicStreamEvents({
        id: 'msg_9',
        model: 'claude-sonnet-4-5-20250929',
        text: ['Hel', 'lo'],
        usage: anthropicUsage({ inputTokens: 10, outputTokens: 2, cacheReadInputTokens: 6, cacheCreationInputTokens: 1 }),
      }),
    );
    expect(completed).toBe(true);
    expect(chunks.map((chunk) => [chunk.id, chunk.model, chunk.created, chunk.object])).toEqual(
      Array(chunks.length).fill(['msg_9', 'claude-sonnet-4-5-20250929', 7, 'chat.completion.chunk']),
    );
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }],
      [{ index: 0, delta: { content: 'lo' }, finish_reason: null }],
      [{ index: 0, delta: {}, finish_reason: 'stop' }],
      [],
    ]);
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 17,
      completion_tokens: 2,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 6, cache_creation_tokens: 1 },
    });
  });

  it('indexes tool calls by tool call, not by content block, and streams argument fragments', () => {
    const { chunks } = run(
      anthropicStreamEvents({
        thinking: ['Hmm', '.'],
        text: ['Checking.'],
        toolUses: [
          { id: 'toolu_a', name: 'weather', partialJson: ['', '{"city":', '"Oslo"}'] },
          { id: 'toolu_b', name: 'time', partialJson: [] },
        ],
      }),
    );
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Hmm' },
      { reasoning_content: '.' },
      { content: 'Checking.' },
      { tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'time', arguments: '' } }] },
      // No input_json_delta at all: the start input ({}) is sent at content_block_stop.
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('prefers cumulative message_delta usage (input and cache counts included) over message_start', () => {
    const events = anthropicStreamEvents({ text: ['a'], usage: anthropicUsage({ inputTokens: 3, outputTokens: 1 }) });
    const messageDelta = events.find((event) => event.event === 'message_delta');
    (messageDelta?.data as { usage: unknown }).usage = { input_tokens: 4, cache_read_input_tokens: 2, output_tokens: 9 };
    expect(run(events).chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 9, total_tokens: 15 });
  });

  it('is not completed without message_stop and ignores pings and unknown events', () => {
    const { chunks, completed } = run([
      ...anthropicStreamEvents({ text: ['a'], omitMessageStop: true }),
      { event: 'something_new', data: { type: 'something_new' } },
    ]);
    expect(completed).toBe(false);
    expect(chunks.every((chunk) => chunk.choices.length === 1)).toBe(true);
  });
});
