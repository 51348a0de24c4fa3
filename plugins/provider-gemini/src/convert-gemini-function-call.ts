import type { ToolCall } from '@switchyard/spec';
import { encodeGeminiToolCallId } from './gemini-tool-call-id.js';
import type { GeminiPart } from './gemini-wire-types.js';

/**
 * A `functionCall` part → a canonical tool call: `args` serialised with `JSON.stringify` (`{}` when
 * absent), the id kept or synthesized with the part's `thoughtSignature` encoded into it.
 */
export function convertGeminiFunctionCall(part: GeminiPart): ToolCall | undefined {
  const call = part.functionCall;
  if (typeof call !== 'object' || call === null || typeof call.name !== 'string') return undefined;
  const id = encodeGeminiToolCallId({
    id: typeof call.id === 'string' ? call.id : undefined,
    thoughtSignature: typeof part.thoughtSignature === 'string' ? part.thoughtSignature : undefined,
  });
  return { id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) } };
}
