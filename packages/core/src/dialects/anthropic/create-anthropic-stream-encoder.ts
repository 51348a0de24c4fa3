import { type ChatCompletionChunk, readUsage, type Usage } from '@switchyard/spec';
import type { AnthropicContentBlock, AnthropicStreamEvent } from './anthropic-wire-types.js';
import { reasoningTextOf } from './encode-anthropic-message.js';
import { encodeAnthropicMessageId } from './encode-anthropic-message-id.js';
import { encodeAnthropicUsage } from './encode-anthropic-usage.js';
import { mapFinishReasonToAnthropic } from './map-finish-reason-to-anthropic.js';

export interface AnthropicStreamEncoder {
  /** The events a canonical chunk produces, in order (possibly none). */
  push(chunk: ChatCompletionChunk): AnthropicStreamEvent[];
  /** The events that close the message once the canonical stream has ended. */
  finish(): AnthropicStreamEvent[];
}

type BlockKind = 'text' | 'thinking' | 'tool_use';

/**
 * A stateful translator from canonical chunks to Anthropic stream events, emitting each event as soon as
 * the chunk that causes it arrives:
 *
 * - the first chunk opens the message (`message_start` with its id and model, usage zero unless the chunk
 *   carries usage, then a `ping`);
 * - `reasoning_content` deltas → a `thinking` block (`thinking_delta`), content and refusal deltas → a
 *   `text` block (`text_delta`), each tool call (by its OpenAI `index`) → its own `tool_use` block whose
 *   argument fragments are `input_json_delta.partial_json`. A block is closed (`content_block_stop`) when a
 *   block of another kind starts or the choice finishes; block indexes count up from 0. Only choice 0 is
 *   read. Argument fragments of an earlier tool call that arrive late still go to that call's block.
 * - `message_delta` (stop reason + cumulative usage) goes out when usage is known after the finish reason:
 *   on the finish chunk if it carries usage, else on the usage chunk that follows it, else at the end of
 *   the stream (zeros when the upstream never reported usage). A later usage chunk sends another one.
 * - `finish()` closes an open block, sends a missing `message_delta`, then `message_stop`.
 */
export function createAnthropicStreamEncoder(): AnthropicStreamEncoder {
  let messageId: string | undefined;
  let nextBlockIndex = 0;
  let openBlock: { index: number; kind: BlockKind } | undefined;
  const toolBlocks = new Map<number, number>();
  let finishReason: string | null = null;
  let finished = false;
  let usage: Usage | undefined;
  let messageDeltaSent = false;

  function messageStart(chunk: ChatCompletionChunk | undefined, chunkUsage: Usage | undefined): AnthropicStreamEvent[] {
    messageId = encodeAnthropicMessageId(chunk?.id);
    return [
      {
        type: 'message_start',
        message: {
          id: messageId,
          type: 'message',
          role: 'assistant',
          model: chunk?.model ?? '',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...encodeAnthropicUsage(chunkUsage), output_tokens: 0 },
        },
      },
      { type: 'ping' },
    ];
  }

  function closeBlock(events: AnthropicStreamEvent[]): void {
    if (openBlock === undefined) return;
    events.push({ type: 'content_block_stop', index: openBlock.index });
    openBlock = undefined;
  }

  function openNewBlock(events: AnthropicStreamEvent[], kind: BlockKind, block: AnthropicContentBlock): number {
    closeBlock(events);
    const index = nextBlockIndex++;
    openBlock = { index, kind };
    events.push({ type: 'content_block_start', index, content_block: block });
    return index;
  }

  /** The index of the open block of this kind, opening one when another kind (or none) is open. */
  function blockFor(events: AnthropicStreamEvent[], kind: 'text' | 'thinking'): number {
    if (openBlock?.kind === kind) return openBlock.index;
    return openNewBlock(
      events,
      kind,
      kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' },
    );
  }

  function messageDelta(): AnthropicStreamEvent {
    messageDeltaSent = true;
    return {
      type: 'message_delta',
      delta: {
        stop_reason: mapFinishReasonToAnthropic(finishReason, { hasToolCalls: toolBlocks.size > 0 }),
        stop_sequence: null,
      },
      usage: encodeAnthropicUsage(usage),
    };
  }

  function pushDelta(events: AnthropicStreamEvent[], delta: ChatCompletionChunk['choices'][number]['delta']): void {
    const reasoning = reasoningTextOf(delta);
    if (reasoning !== undefined && reasoning.length > 0) {
      events.push({
        type: 'content_block_delta',
        index: blockFor(events, 'thinking'),
        delta: { type: 'thinking_delta', thinking: reasoning },
      });
    }
    for (const text of [delta.content, delta.refusal]) {
      if (typeof text !== 'string' || text.length === 0) continue;
      events.push({ type: 'content_block_delta', index: blockFor(events, 'text'), delta: { type: 'text_delta', text } });
    }
    for (const toolCall of delta.tool_calls ?? []) {
      const toolIndex = typeof toolCall.index === 'number' ? toolCall.index : 0;
      let index = toolBlocks.get(toolIndex);
      if (index === undefined) {
        const id = typeof toolCall.id === 'string' && toolCall.id.length > 0 ? toolCall.id : `toolu_${messageId}_${toolIndex}`;
        index = openNewBlock(events, 'tool_use', { type: 'tool_use', id, name: toolCall.function?.name ?? '', input: {} });
        toolBlocks.set(toolIndex, index);
      }
      const fragment = toolCall.function?.arguments;
      if (typeof fragment === 'string' && fragment.length > 0) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: fragment } });
      }
    }
  }

  return {
    push(chunk) {
      const events: AnthropicStreamEvent[] = [];
      const chunkUsage = readUsage(chunk.usage);
      if (messageId === undefined) events.push(...messageStart(chunk, chunkUsage));
      const choice = Array.isArray(chunk.choices) ? chunk.choices.find((entry) => entry.index === 0) : undefined;
      if (choice !== undefined) {
        if (choice.delta !== undefined && choice.delta !== null) pushDelta(events, choice.delta);
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
          finishReason = choice.finish_reason;
          finished = true;
          closeBlock(events);
        }
      }
      if (chunkUsage !== undefined) usage = chunkUsage;
      if (finished && chunkUsage !== undefined) events.push(messageDelta());
      return events;
    },
    finish() {
      const events: AnthropicStreamEvent[] = [];
      if (messageId === undefined) events.push(...messageStart(undefined, undefined));
      closeBlock(events);
      if (!messageDeltaSent) events.push(messageDelta());
      events.push({ type: 'message_stop' });
      return events;
    },
  };
}
