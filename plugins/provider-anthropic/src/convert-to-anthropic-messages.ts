import { type ChatMessage, invalidRequest } from '@switchyard/spec';
import type {
  AnthropicCacheControl,
  AnthropicContentBlockParam,
  AnthropicImageBlockParam,
  AnthropicMessageParam,
  AnthropicTextBlockParam,
  AnthropicToolResultBlockParam,
  AnthropicToolUseBlockParam,
} from './anthropic-wire-types.js';
import { convertToAnthropicImage } from './convert-to-anthropic-image.js';
import { parseToolArguments } from './parse-tool-arguments.js';

export interface AnthropicPrompt {
  /** System and developer messages, in order, as top-level `system` text blocks. */
  system: AnthropicTextBlockParam[];
  /** Alternating user/assistant turns. */
  messages: AnthropicMessageParam[];
}

type Role = AnthropicMessageParam['role'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textBlock(text: string, cacheControl?: unknown): AnthropicTextBlockParam {
  const block: AnthropicTextBlockParam = { type: 'text', text };
  // `cache_control` on a text part is the de-facto OpenAI-side spelling of Anthropic prompt caching.
  if (isRecord(cacheControl)) block.cache_control = cacheControl as AnthropicCacheControl;
  return block;
}

/** Text and image parts → blocks. Empty text is left out (Anthropic rejects empty text blocks). */
function contentBlocks(
  content: ChatMessage['content'],
  param: string,
  { images }: { images: boolean },
): Array<AnthropicTextBlockParam | AnthropicImageBlockParam> {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content.length > 0 ? [textBlock(content)] : [];
  const blocks: Array<AnthropicTextBlockParam | AnthropicImageBlockParam> = [];
  content.forEach((part, index) => {
    const partParam = `${param}[${index}]`;
    if (part.type === 'text') {
      if (typeof part.text !== 'string')
        throw invalidRequest(`\`${partParam}.text\` must be a string.`, { param: `${partParam}.text` });
      if (part.text.length > 0) blocks.push(textBlock(part.text, part.cache_control));
    } else if (part.type === 'image_url' && images) {
      const image = convertToAnthropicImage(part.image_url, `${partParam}.image_url`);
      if (isRecord(part.cache_control)) image.cache_control = part.cache_control as AnthropicCacheControl;
      blocks.push(image);
    } else if (part.type !== 'refusal') {
      throw invalidRequest(`Content parts of type "${part.type}" are not supported by the Anthropic provider here.`, {
        param: `${partParam}.type`,
        code: 'unsupported_content_part',
      });
    }
  });
  return blocks;
}

function systemBlocks(message: ChatMessage, index: number): AnthropicTextBlockParam[] {
  return contentBlocks(message.content, `messages[${index}].content`, { images: false }) as AnthropicTextBlockParam[];
}

function assistantBlocks(message: ChatMessage, index: number): AnthropicContentBlockParam[] {
  const blocks: AnthropicContentBlockParam[] = contentBlocks(message.content, `messages[${index}].content`, { images: false });
  (message.tool_calls ?? []).forEach((toolCall, callIndex) => {
    const param = `messages[${index}].tool_calls[${callIndex}]`;
    if (toolCall.type !== 'function' || toolCall.function === undefined) {
      throw invalidRequest(`\`${param}\` must be a function tool call.`, { param: `${param}.type` });
    }
    const block: AnthropicToolUseBlockParam = {
      type: 'tool_use',
      id: toolCall.id,
      name: toolCall.function.name,
      input: parseToolArguments(toolCall.function.arguments, `${param}.function.arguments`),
    };
    blocks.push(block);
  });
  return blocks;
}

function toolResultBlock(message: ChatMessage, index: number): AnthropicToolResultBlockParam {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id.length === 0) {
    throw invalidRequest(`\`messages[${index}].tool_call_id\` is required for tool messages.`, {
      param: `messages[${index}].tool_call_id`,
    });
  }
  const content =
    typeof message.content === 'string'
      ? message.content
      : contentBlocks(message.content, `messages[${index}].content`, { images: true });
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content };
}

/** A turn that is a single plain text block goes out as a string, the shortest equivalent form. */
function compactTurn({ role, content }: { role: Role; content: AnthropicContentBlockParam[] }): AnthropicMessageParam {
  const [only] = content;
  if (content.length === 1 && only?.type === 'text' && only.cache_control === undefined) return { role, content: only.text };
  return { role, content };
}

/**
 * Canonical messages → Anthropic's `system` + `messages`. System and developer messages are collected in
 * order into `system`; tool results become `tool_result` blocks in a user turn; assistant tool calls
 * become `tool_use` blocks; consecutive turns of the same role are merged into one.
 *
 * @throws GatewayError (400) for content Anthropic cannot take: invalid tool-call arguments, a tool
 * message without `tool_call_id`, unsupported content parts, the legacy `function` role.
 */
export function convertToAnthropicMessages(messages: readonly ChatMessage[]): AnthropicPrompt {
  const system: AnthropicTextBlockParam[] = [];
  const turns: Array<{ role: Role; content: AnthropicContentBlockParam[] }> = [];
  const append = (role: Role, blocks: AnthropicContentBlockParam[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...systemBlocks(message, index));
        return;
      case 'user':
        append('user', contentBlocks(message.content, `messages[${index}].content`, { images: true }));
        return;
      case 'assistant':
        append('assistant', assistantBlocks(message, index));
        return;
      case 'tool':
        append('user', [toolResultBlock(message, index)]);
        return;
      default:
        throw invalidRequest(`Messages with role "${message.role}" are not supported by the Anthropic provider; use tools.`, {
          param: `messages[${index}].role`,
          code: 'unsupported_parameter',
        });
    }
  });
  return { system, messages: turns.map(compactTurn) };
}
