import { type ChatMessage, type ContentPart, invalidRequest, type ToolCall } from '@switchyard/spec';
import { decodeGeminiMediaPart, geminiPartKind } from './decode-gemini-part.js';
import type { GeminiContentParam, GeminiPartParam } from './gemini-request-schema.js';
import { encodeGeminiToolCallId } from './gemini-tool-call-id.js';

interface PendingCall {
  id: string;
  partId: string | undefined;
  name: string;
  answered: boolean;
}

/** One text part (no extras) is a plain string; several parts stay an array. */
function compactContent(parts: ContentPart[]): string | ContentPart[] {
  const [only] = parts;
  if (parts.length === 0) return '';
  if (parts.length === 1 && only?.type === 'text' && typeof only.text === 'string') return only.text;
  return parts;
}

function misplacedPart(param: string, kind: string, role: string) {
  return invalidRequest(`Invalid value for '${param}.${kind}': ${kind} parts are not allowed in ${role} turns.`, {
    param: `${param}.${kind}`,
    code: 'invalid_value',
  });
}

/** `systemInstruction` → one leading system message (its text parts), or none when it has no text. */
export function decodeGeminiSystemInstruction(system: { parts: GeminiPartParam[] } | undefined): ChatMessage[] {
  if (system === undefined) return [];
  const parts = system.parts.map((part, index): ContentPart => {
    const param = `systemInstruction.parts[${index}]`;
    const kind = geminiPartKind(part, param);
    if (kind !== 'text') throw misplacedPart(param, kind, 'system');
    return { type: 'text', text: part.text ?? '' };
  });
  return parts.length === 0 ? [] : [{ role: 'system', content: compactContent(parts) }];
}

/**
 * Gemini `contents` → canonical messages, in order.
 *
 * - `model` turns → assistant messages: text parts joined into one string, `functionCall` parts →
 *   `tool_calls` (id: the part's id or `call_<n>`, n counting the request's calls from 0, plus the
 *   `thoughtSignature` as in `encodeGeminiToolCallId`; `arguments` = `JSON.stringify(args)`). Thought
 *   parts (`thought: true`) are dropped; a turn left empty by that is skipped.
 * - `user` (and legacy `function`) turns: `functionResponse` parts → `tool` messages placed first, in
 *   order, each answering the earlier unanswered call with the same id, else the same name; the content
 *   is `JSON.stringify(response)`. The remaining parts → one user message (see `decodeGeminiMediaPart`).
 *
 * @throws GatewayError (400) naming the part at fault: a part of a kind the role cannot carry, a part with
 * no data, a `functionResponse` that answers no earlier call.
 */
export function decodeGeminiContents(contents: readonly GeminiContentParam[]): ChatMessage[] {
  const pending: PendingCall[] = [];
  const messages: ChatMessage[] = [];

  function answer(response: NonNullable<GeminiPartParam['functionResponse']>, param: string): string {
    const open = pending.filter((call) => !call.answered);
    const byId =
      response.id === undefined ? undefined : open.find((call) => call.partId === response.id || call.id === response.id);
    const match = byId ?? open.find((call) => call.name === response.name);
    if (match === undefined) {
      throw invalidRequest(
        `Invalid value for '${param}': no earlier functionCall named "${response.name}" is waiting for a response.`,
        {
          param,
          code: 'unknown_function_call',
        },
      );
    }
    match.answered = true;
    return match.id;
  }

  function decodeModelTurn(parts: GeminiPartParam[], param: string): void {
    let text = '';
    let hasText = false;
    let dropped = false;
    const toolCalls: ToolCall[] = [];
    parts.forEach((part, index) => {
      const partParam = `${param}[${index}]`;
      const kind = geminiPartKind(part, partParam);
      if (kind === 'text') {
        if (part.thought === true) dropped = true;
        else {
          text += part.text ?? '';
          hasText = true;
        }
      } else if (kind === 'functionCall') {
        const call = part.functionCall!;
        const id = encodeGeminiToolCallId({ id: call.id, thoughtSignature: part.thoughtSignature, ordinal: pending.length });
        pending.push({ id, partId: call.id, name: call.name, answered: false });
        toolCalls.push({ id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } });
      } else {
        throw misplacedPart(partParam, kind, 'model');
      }
    });
    if (!hasText && toolCalls.length === 0 && dropped) return;
    const message: ChatMessage = { role: 'assistant', content: !hasText && toolCalls.length > 0 ? null : text };
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    messages.push(message);
  }

  function decodeUserTurn(parts: GeminiPartParam[], param: string): void {
    const userParts: ContentPart[] = [];
    let answered = false;
    parts.forEach((part, index) => {
      const partParam = `${param}[${index}]`;
      const kind = geminiPartKind(part, partParam);
      if (kind === 'functionResponse') {
        // geminiPartKind only returns a kind whose field is set.
        const response = part.functionResponse!;
        const toolCallId = answer(response, `${partParam}.functionResponse`);
        messages.push({ role: 'tool', tool_call_id: toolCallId, content: JSON.stringify(response.response ?? {}) });
        answered = true;
      } else if (kind === 'functionCall') {
        throw misplacedPart(partParam, kind, 'user');
      } else {
        userParts.push(decodeGeminiMediaPart(part, kind));
      }
    });
    if (userParts.length > 0 || !answered) messages.push({ role: 'user', content: compactContent(userParts) });
  }

  contents.forEach((content, index) => {
    const param = `contents[${index}].parts`;
    if (content.role === 'model') decodeModelTurn(content.parts, param);
    else decodeUserTurn(content.parts, param);
  });
  return messages;
}
