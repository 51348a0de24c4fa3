import type { ChatRequest } from '@switchyard/spec';
import { canonicalJson } from './canonical-json.js';

/**
 * The text embedded for the semantic cache: one line per message, `role: text`, tool calls as canonical
 * JSON. `undefined` when the conversation has a part that is not text (an image, audio, a file): its
 * meaning would not be in the embedding, so two different images could look alike. Also `undefined`
 * above `maxChars`, rather than embedding a truncated (and so ambiguous) conversation.
 */
export function conversationText(request: ChatRequest, maxChars: number): string | undefined {
  let text = '';
  for (const message of request.messages) {
    let line = `${message.role}: `;
    const content = message.content;
    if (typeof content === 'string') line += content;
    else if (Array.isArray(content)) {
      for (const part of content) {
        const partText = (part as { text?: unknown }).text;
        if (part.type !== 'text' || typeof partText !== 'string') return undefined;
        line += partText;
      }
    }
    if (message.tool_calls && message.tool_calls.length > 0) line += ` ${canonicalJson(message.tool_calls)}`;
    if (message.tool_call_id) line += ` (${message.tool_call_id})`;
    text += text.length === 0 ? line : `\n${line}`;
    if (text.length > maxChars) return undefined;
  }
  return text;
}
