import type { ChatCompletion } from '@switchyard/spec';
import type { AnthropicContentBlock, AnthropicMessage } from './anthropic-wire-types.js';
import { encodeAnthropicMessageId } from './encode-anthropic-message-id.js';
import { encodeAnthropicUsage } from './encode-anthropic-usage.js';
import { mapFinishReasonToAnthropic } from './map-finish-reason-to-anthropic.js';
import { parseToolInput } from './parse-tool-input.js';

/** The reasoning text of a message or delta: `reasoning_content` (DeepSeek, vLLM, the gateway's providers) or `reasoning`. */
export function reasoningTextOf(message: Record<string, unknown>): string | undefined {
  const reasoning = message.reasoning_content ?? message.reasoning;
  return typeof reasoning === 'string' ? reasoning : undefined;
}

/**
 * A canonical `chat.completion` → an Anthropic `message`. Only the first choice is encoded (Anthropic has
 * no `n`). Blocks, in order: reasoning (`reasoning_content`) → one `thinking` block with an empty
 * `signature` (the canonical shape carries none, so it cannot be replayed to Anthropic as a signed block);
 * text → a `text` block (a `refusal` without text becomes the text); `tool_calls` → `tool_use` blocks (id
 * and name kept, `input` parsed from the arguments, `{}` when they are not a JSON object). Empty text is
 * left out. The id gets a `msg_` prefix; `model` is the canonical model.
 */
export function encodeAnthropicMessage(completion: ChatCompletion): AnthropicMessage {
  const choice = completion.choices.find((entry) => entry.index === 0) ?? completion.choices[0];
  const message = choice?.message;
  const content: AnthropicContentBlock[] = [];
  if (message !== undefined) {
    const reasoning = reasoningTextOf(message);
    if (reasoning !== undefined && reasoning.length > 0) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
    const text = typeof message.content === 'string' && message.content.length > 0 ? message.content : message.refusal;
    if (typeof text === 'string' && text.length > 0) content.push({ type: 'text', text });
    for (const toolCall of message.tool_calls ?? []) {
      content.push({
        type: 'tool_use',
        id: toolCall.id,
        name: toolCall.function.name,
        input: parseToolInput(toolCall.function.arguments),
      });
    }
  }
  return {
    id: encodeAnthropicMessageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: mapFinishReasonToAnthropic(choice?.finish_reason, { hasToolCalls: (message?.tool_calls?.length ?? 0) > 0 }),
    stop_sequence: null,
    usage: encodeAnthropicUsage(completion.usage),
  };
}
