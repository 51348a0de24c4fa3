import { type ChatCompletion, JsonPayload } from '@switchyard/spec';
import type { Restorer } from './restorer.js';

/** Message fields holding text the model wrote (reasoning as DeepSeek and OpenRouter name it). */
export const textFields = ['content', 'refusal', 'reasoning_content', 'reasoning'] as const;

/** Whether raw JSON text may hold a placeholder (a `<`, possibly escaped as `\u003c`). */
export function mayHoldPlaceholder(text: string): boolean {
  return text.includes('<') || text.includes('\\u003c') || text.includes('\\u003C');
}

/**
 * A completion with this request's placeholders restored in every choice's text and tool call
 * arguments. Returns the same payload when nothing changed; otherwise a new payload (the old one is left
 * alone, since an inner layer such as a cache may still hold it).
 */
export function restoreCompletion(body: JsonPayload<ChatCompletion>, restorer: Restorer): JsonPayload<ChatCompletion> {
  if (body.isOriginal && !mayHoldPlaceholder(body.text)) return body;
  const completion = body.value;
  let changed = false;
  const choices = completion.choices.map((choice) => {
    const message = choice.message;
    if (message === null || typeof message !== 'object') return choice;
    let next: Record<string, unknown> | undefined;
    for (const field of textFields) {
      const text = message[field];
      if (typeof text !== 'string') continue;
      const restored = restorer.restore(text);
      if (restored !== text) {
        next ??= { ...message };
        next[field] = restored;
      }
    }
    if (Array.isArray(message.tool_calls)) {
      let toolCallsChanged = false;
      const toolCalls = message.tool_calls.map((toolCall) => {
        const text = toolCall.function?.arguments;
        if (typeof text !== 'string') return toolCall;
        const restored = restorer.restore(text, true);
        if (restored === text) return toolCall;
        toolCallsChanged = true;
        return { ...toolCall, function: { ...toolCall.function, arguments: restored } };
      });
      if (toolCallsChanged) {
        next ??= { ...message };
        next.tool_calls = toolCalls;
      }
    }
    if (next === undefined) return choice;
    changed = true;
    return { ...choice, message: next as typeof message };
  });
  return changed ? JsonPayload.fromValue({ ...completion, choices }) : body;
}
