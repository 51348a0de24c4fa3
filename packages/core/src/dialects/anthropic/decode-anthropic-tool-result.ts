import type { ChatMessage, ContentPart } from '@switchyard/spec';
import type { AnthropicToolResultBlockParam } from './anthropic-request-schema.js';
import { decodeAnthropicContentBlock } from './decode-anthropic-content-block.js';

/** Prepended to the content of a `tool_result` with `is_error: true`; OpenAI tool messages have no error flag. */
export const toolErrorPrefix = 'Error: ';

/**
 * A `tool_result` block → a canonical `role:'tool'` message answering `tool_use_id`. Text-only content
 * becomes one string (text blocks joined with `\n`); content with images stays an array of parts (the
 * Anthropic provider passes them on; OpenAI-compatible hosts may reject images in tool messages). An
 * `is_error` result is marked with `toolErrorPrefix`. The block's `cache_control` is dropped.
 */
export function decodeAnthropicToolResult(block: AnthropicToolResultBlockParam): ChatMessage {
  const parts: ContentPart[] = (block.content ?? []).map((entry) => decodeAnthropicContentBlock(entry));
  const prefix = block.is_error === true ? toolErrorPrefix : '';
  const textOnly = parts.every((part) => part.type === 'text' && part.cache_control === undefined);
  if (textOnly) {
    const text = parts.map((part) => String(part.text)).join('\n');
    return { role: 'tool', tool_call_id: block.tool_use_id, content: `${prefix}${text}` };
  }
  const content = prefix === '' ? parts : [{ type: 'text', text: prefix.trimEnd() }, ...parts];
  return { role: 'tool', tool_call_id: block.tool_use_id, content };
}
