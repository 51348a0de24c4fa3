import { type ChatMessage, invalidRequest } from '@switchyard/spec';
import { convertContentPartToGeminiPart } from './convert-content-part-to-gemini-part.js';
import { decodeGeminiToolCallId } from './gemini-tool-call-id.js';
import type { GeminiContent, GeminiPart } from './gemini-wire-types.js';

export interface GeminiContents {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The text of a system, developer, assistant or tool message: a string, or its text (and refusal) parts. */
function textOf(message: ChatMessage, param: string): string {
  const { content } = message;
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, index) => {
      if (part.type === 'text' && typeof part.text === 'string') return part.text;
      if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal;
      throw invalidRequest(`Only text parts are supported in ${message.role} messages.`, {
        param: `${param}.content[${index}]`,
        code: 'unsupported_content',
      });
    })
    .join('');
}

/** Gemini treats an empty text as an unset part and rejects it, so empty texts are left out. */
function textParts(text: string): GeminiPart[] {
  return text.length > 0 ? [{ text }] : [];
}

function userParts(message: ChatMessage, param: string): GeminiPart[] {
  const { content } = message;
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return textParts(content);
  return content
    .map((part, index) => convertContentPartToGeminiPart(part, `${param}.content[${index}]`))
    .filter((part) => part.text === undefined || part.text.length > 0);
}

/** Tool arguments arrive as a JSON string; Gemini wants the object. `''` counts as `{}`. */
function parseArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim().length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidRequest('Tool call arguments are not valid JSON.', { param, code: 'invalid_tool_arguments' });
  }
  if (!isRecord(value)) {
    throw invalidRequest('Tool call arguments must be a JSON object.', { param, code: 'invalid_tool_arguments' });
  }
  return value;
}

/**
 * A tool result as a function response: a JSON object result is passed as the response itself; any other
 * text is wrapped as `{ output: text }` (Gemini reads an `output` key as the function's output).
 */
function functionResponseOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // Not JSON: plain text output.
  }
  return { output: text };
}

/**
 * Canonical messages → Gemini `systemInstruction` + `contents`.
 *
 * - `system` and `developer` messages, wherever they are, become `systemInstruction` parts, in order.
 * - `user` → role `user`; `assistant` → role `model`; `tool` (and legacy `function`) results →
 *   `functionResponse` parts in a `user` turn, named after the earlier tool call with the same id.
 * - Assistant `tool_calls` → `functionCall` parts with parsed `args` (invalid JSON is a 400) and the
 *   `thoughtSignature` restored from the tool call id (see `gemini-tool-call-id.ts`). Ids themselves are
 *   not sent: Gemini matches responses to calls by order and name.
 * - Consecutive turns of the same role are merged; messages left without parts are dropped.
 */
export function convertToGeminiContents(messages: readonly ChatMessage[]): GeminiContents {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNames = new Map<string, string>();

  const append = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        systemParts.push(...textParts(textOf(message, param)));
        return;
      case 'user':
        append('user', userParts(message, param));
        return;
      case 'assistant': {
        const parts = textParts(textOf(message, param));
        (message.tool_calls ?? []).forEach((toolCall, callIndex) => {
          const callParam = `${param}.tool_calls[${callIndex}]`;
          if (toolCall.type !== 'function' || !toolCall.function) {
            throw invalidRequest(`Tool calls of type "${toolCall.type}" are not supported for Gemini.`, {
              param: `${callParam}.type`,
              code: 'unsupported_tool_type',
            });
          }
          const { name } = toolCall.function;
          toolNames.set(toolCall.id, name);
          const part: GeminiPart = {
            functionCall: { name, args: parseArguments(toolCall.function.arguments, `${callParam}.function.arguments`) },
          };
          const { thoughtSignature } = decodeGeminiToolCallId(toolCall.id);
          if (thoughtSignature !== undefined) part.thoughtSignature = thoughtSignature;
          parts.push(part);
        });
        append('model', parts);
        return;
      }
      case 'tool':
      case 'function': {
        const name =
          (message.tool_call_id === undefined ? undefined : toolNames.get(message.tool_call_id)) ??
          (typeof message.name === 'string' && message.name.length > 0 ? message.name : undefined);
        if (name === undefined) {
          throw invalidRequest('A tool message must answer a tool call of an earlier assistant message.', {
            param: `${param}.tool_call_id`,
            code: 'unknown_tool_call_id',
          });
        }
        append('user', [{ functionResponse: { name, response: functionResponseOf(textOf(message, param)) } }]);
        return;
      }
      default: {
        const unknownRole: never = message.role;
        throw invalidRequest(`Unknown message role "${String(unknownRole)}".`, { param: `${param}.role` });
      }
    }
  });

  return systemParts.length > 0 ? { systemInstruction: { parts: systemParts }, contents } : { contents };
}
