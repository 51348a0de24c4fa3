import type { ChatCompletionChunk, FinishReason, ToolCallDelta } from '@switchyard/spec';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-wire-types.js';
import { convertAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage.js';
import { toolInputToArguments } from './convert-from-anthropic-message.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export interface AnthropicStreamConverter {
  /** The canonical chunks one Anthropic event turns into (often one, sometimes none). */
  push(event: AnthropicStreamEvent): ChatCompletionChunk[];
  /** True once `message_stop` arrived: the stream is complete. */
  readonly completed: boolean;
}

interface ToolBlock {
  /** The OpenAI tool-call index: counts tool calls only, not Anthropic content blocks. */
  index: number;
  /** The input given at `content_block_start`, used when no `input_json_delta` follows. */
  startInput: unknown;
  sentArguments: boolean;
}

type Delta = ChatCompletionChunk['choices'][number]['delta'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: unknown, key: string): string | undefined {
  return isRecord(record) && typeof record[key] === 'string' ? record[key] : undefined;
}

/**
 * Turns Anthropic stream events into canonical chunks as they arrive, without buffering: a role chunk
 * at `message_start`, content deltas for `text_delta`, a tool-call delta (id, name, `arguments: ''`) at
 * each `tool_use` start and argument fragments for `input_json_delta`, `reasoning_content` deltas for
 * `thinking_delta`, a finish chunk at `message_delta` and a usage-only chunk (`choices: []`) at
 * `message_stop`, built from `message_start` usage and the cumulative `message_delta` usage.
 * Pings, signatures, citations and unknown events produce nothing; `error` events are the caller's.
 */
export function createAnthropicStreamConverter({ created, model }: { created: number; model: string }): AnthropicStreamConverter {
  let id = '';
  let upstreamModel = model;
  let startUsage: AnthropicUsage | undefined;
  let deltaUsage: AnthropicUsage | undefined;
  let completed = false;
  let nextToolIndex = 0;
  const toolBlocks = new Map<number, ToolBlock>();

  const chunk = (delta: Delta, finishReason: FinishReason | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: upstreamModel,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const toolDelta = (toolCall: ToolCallDelta): ChatCompletionChunk => chunk({ tool_calls: [toolCall] });

  function blockStart(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    const block = event.content_block;
    if (!isRecord(block) || typeof event.index !== 'number') return [];
    if (block.type === 'tool_use') {
      const index = nextToolIndex++;
      toolBlocks.set(event.index, { index, startInput: block.input, sentArguments: false });
      const name = stringField(block, 'name') ?? '';
      return [toolDelta({ index, id: stringField(block, 'id') ?? '', type: 'function', function: { name, arguments: '' } })];
    }
    const text = stringField(block, 'text');
    if (block.type === 'text' && text) return [chunk({ content: text })];
    const thinking = stringField(block, 'thinking');
    if (block.type === 'thinking' && thinking) return [chunk({ reasoning_content: thinking })];
    return [];
  }

  function blockDelta(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    const delta = event.delta;
    if (!isRecord(delta)) return [];
    const text = stringField(delta, 'text');
    if (delta.type === 'text_delta' && text) return [chunk({ content: text })];
    const thinking = stringField(delta, 'thinking');
    if (delta.type === 'thinking_delta' && thinking) return [chunk({ reasoning_content: thinking })];
    const partialJson = stringField(delta, 'partial_json');
    const toolBlock = typeof event.index === 'number' ? toolBlocks.get(event.index) : undefined;
    if (delta.type === 'input_json_delta' && partialJson && toolBlock !== undefined) {
      toolBlock.sentArguments = true;
      return [toolDelta({ index: toolBlock.index, function: { arguments: partialJson } })];
    }
    return [];
  }

  /** A tool call streamed without any input fragment still owes its arguments (`{}` or the start input). */
  function blockStop(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    const toolBlock = typeof event.index === 'number' ? toolBlocks.get(event.index) : undefined;
    if (toolBlock === undefined || toolBlock.sentArguments) return [];
    toolBlock.sentArguments = true;
    return [toolDelta({ index: toolBlock.index, function: { arguments: toolInputToArguments(toolBlock.startInput) } })];
  }

  function messageDelta(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    if (isRecord(event.usage)) deltaUsage = mergeAnthropicUsage(deltaUsage, event.usage as AnthropicUsage);
    const stopReason = isRecord(event.delta) ? event.delta.stop_reason : undefined;
    const finishReason = mapAnthropicFinishReason(typeof stopReason === 'string' ? stopReason : null);
    return finishReason === null ? [] : [chunk({}, finishReason)];
  }

  return {
    get completed() {
      return completed;
    },
    push(event) {
      switch (event.type) {
        case 'message_start': {
          const message = event.message;
          id = stringField(message, 'id') ?? id;
          upstreamModel = stringField(message, 'model') ?? upstreamModel;
          if (isRecord(message) && isRecord(message.usage)) startUsage = message.usage as AnthropicUsage;
          return [chunk({ role: 'assistant', content: '' })];
        }
        case 'content_block_start':
          return blockStart(event);
        case 'content_block_delta':
          return blockDelta(event);
        case 'content_block_stop':
          return blockStop(event);
        case 'message_delta':
          return messageDelta(event);
        case 'message_stop': {
          completed = true;
          const usage = convertAnthropicUsage(mergeAnthropicUsage(startUsage, deltaUsage));
          return [{ id, object: 'chat.completion.chunk', created, model: upstreamModel, choices: [], usage }];
        }
        default:
          return [];
      }
    },
  };
}
