import type { AssistantMessage, ChatCompletion, ToolCall } from '@switchyard/spec';
import type { AnthropicContentBlock, AnthropicMessage } from './anthropic-wire-types.js';
import { convertAnthropicUsage } from './convert-anthropic-usage.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether an upstream body has the documented shape of a non-streamed Anthropic `message`. */
export function isAnthropicMessage(value: unknown): value is AnthropicMessage {
  return (
    isRecord(value) &&
    value.type === 'message' &&
    typeof value.id === 'string' &&
    typeof value.model === 'string' &&
    Array.isArray(value.content) &&
    value.content.every((block) => isRecord(block) && typeof block.type === 'string')
  );
}

/** A `tool_use` input object → OpenAI's `function.arguments` JSON string. */
export function toolInputToArguments(input: unknown): string {
  return JSON.stringify(input ?? {});
}

function textOf(block: AnthropicContentBlock): string | undefined {
  return block.type === 'text' && typeof block.text === 'string' ? block.text : undefined;
}

function thinkingOf(block: AnthropicContentBlock): string | undefined {
  return block.type === 'thinking' && typeof block.thinking === 'string' ? block.thinking : undefined;
}

function toolCallOf(block: AnthropicContentBlock): ToolCall | undefined {
  if (block.type !== 'tool_use' || typeof block.id !== 'string' || typeof block.name !== 'string') return undefined;
  return { id: block.id, type: 'function', function: { name: block.name, arguments: toolInputToArguments(block.input) } };
}

/**
 * An Anthropic `message` → a canonical `chat.completion`. Text blocks are joined into `content`,
 * `tool_use` blocks become `tool_calls` (ids kept, input as a JSON string), thinking blocks are joined
 * into `message.reasoning_content`. Other blocks (redacted thinking, server tools) are dropped. The id
 * and model are the upstream's.
 */
export function convertFromAnthropicMessage({
  message,
  created,
}: {
  message: AnthropicMessage;
  created: number;
}): ChatCompletion {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    const text = textOf(block);
    if (text !== undefined) texts.push(text);
    const thinking = thinkingOf(block);
    if (thinking !== undefined) thoughts.push(thinking);
    const toolCall = toolCallOf(block);
    if (toolCall !== undefined) toolCalls.push(toolCall);
  }
  const assistant: AssistantMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '',
    refusal: null,
  };
  if (thoughts.length > 0) assistant.reasoning_content = thoughts.join('');
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  return {
    id: message.id,
    object: 'chat.completion',
    created,
    model: message.model,
    choices: [
      { index: 0, message: assistant, logprobs: null, finish_reason: mapAnthropicFinishReason(message.stop_reason) ?? 'stop' },
    ],
    usage: convertAnthropicUsage(message.usage),
  };
}
