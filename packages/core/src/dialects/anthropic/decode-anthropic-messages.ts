import { type ChatMessage, type ContentPart, invalidRequest, type ToolCall } from '@switchyard/spec';
import type { AnthropicContentBlockParam, AnthropicMessageParam, AnthropicTextBlockParam } from './anthropic-request-schema.js';
import { compactContent, decodeAnthropicContentBlock } from './decode-anthropic-content-block.js';
import { decodeAnthropicToolResult } from './decode-anthropic-tool-result.js';

function misplacedBlock(block: AnthropicContentBlockParam, role: string, param: string) {
  return invalidRequest(`Invalid value for '${param}.type': "${block.type}" blocks are not allowed in ${role} messages.`, {
    param: `${param}.type`,
    code: 'invalid_value',
  });
}

/** A user turn: its `tool_result` blocks become tool messages first, then the rest becomes one user message. */
function decodeUserTurn(content: AnthropicContentBlockParam[], param: string): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  content.forEach((block, index) => {
    switch (block.type) {
      case 'tool_result':
        toolMessages.push(decodeAnthropicToolResult(block));
        return;
      case 'text':
      case 'image':
      case 'document':
        parts.push(decodeAnthropicContentBlock(block));
        return;
      default:
        throw misplacedBlock(block, 'user', `${param}[${index}]`);
    }
  });
  if (parts.length === 0 && toolMessages.length > 0) return toolMessages;
  return [...toolMessages, { role: 'user', content: compactContent(parts) }];
}

/**
 * An assistant turn: text blocks → content, `tool_use` blocks → `tool_calls` (id kept, input as a JSON
 * string). `thinking` and `redacted_thinking` blocks are dropped: the canonical request has no field for
 * them and their signatures only mean something to Anthropic. A turn left empty by that is skipped.
 */
function decodeAssistantTurn(content: AnthropicContentBlockParam[], param: string): ChatMessage[] {
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  let dropped = false;
  content.forEach((block, index) => {
    switch (block.type) {
      case 'text':
        parts.push(decodeAnthropicContentBlock(block));
        return;
      case 'tool_use':
        toolCalls.push({
          id: block.id,
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        return;
      case 'thinking':
      case 'redacted_thinking':
        dropped = true;
        return;
      default:
        throw misplacedBlock(block, 'assistant', `${param}[${index}]`);
    }
  });
  if (parts.length === 0 && toolCalls.length === 0 && dropped) return [];
  const message: ChatMessage = {
    role: 'assistant',
    content: parts.length === 0 && toolCalls.length > 0 ? null : compactContent(parts),
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return [message];
}

function decodeSystemTurn(content: AnthropicContentBlockParam[], param: string): ChatMessage[] {
  const parts = content.map((block, index) => {
    if (block.type !== 'text') throw misplacedBlock(block, 'system', `${param}[${index}]`);
    return decodeAnthropicContentBlock(block);
  });
  return [{ role: 'system', content: compactContent(parts) }];
}

/** Top-level `system` (a string or text blocks) → one leading system message; none when absent or empty. */
export function decodeAnthropicSystem(system: AnthropicTextBlockParam[] | undefined): ChatMessage[] {
  if (system === undefined || system.length === 0) return [];
  return [{ role: 'system', content: compactContent(system.map((block) => decodeAnthropicContentBlock(block))) }];
}

/**
 * Anthropic `messages` → canonical messages, in order. One Anthropic turn can become several canonical
 * messages (tool results are separate `tool` messages, placed before the user's own text of that turn).
 *
 * @throws GatewayError (400) for a block in a role that cannot carry it (`tool_use` in a user turn, …).
 */
export function decodeAnthropicMessages(messages: readonly AnthropicMessageParam[]): ChatMessage[] {
  return messages.flatMap((message, index) => {
    const param = `messages[${index}].content`;
    if (message.role === 'user') return decodeUserTurn(message.content, param);
    if (message.role === 'assistant') return decodeAssistantTurn(message.content, param);
    return decodeSystemTurn(message.content, param);
  });
}
