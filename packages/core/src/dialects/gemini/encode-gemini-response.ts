import type { ChatCompletion } from '@switchyard/spec';
import { encodeGeminiUsage } from './encode-gemini-usage.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-wire-types.js';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.js';
import { parseFunctionCallArgs } from './parse-function-call-args.js';

/** The reasoning text of a message or delta: `reasoning_content` (DeepSeek, vLLM, the gateway's providers) or `reasoning`. */
export function reasoningTextOf(message: Record<string, unknown>): string | undefined {
  const reasoning = message.reasoning_content ?? message.reasoning;
  return typeof reasoning === 'string' ? reasoning : undefined;
}

/**
 * A canonical `chat.completion` → a Gemini `GenerateContentResponse`. Each choice is a candidate (its
 * index kept) whose parts are, in order: reasoning → `{text, thought: true}`; content (or a refusal when
 * there is no content) → `{text}`; `tool_calls` → `functionCall` parts (`id` = the tool call id, `args`
 * parsed, `{}` when not a JSON object). Empty texts are left out. `finishReason` via
 * `mapFinishReasonToGemini` (`STOP` when the choice has none); `modelVersion` = model, `responseId` = id.
 */
export function encodeGeminiResponse(completion: ChatCompletion): GeminiGenerateContentResponse {
  const candidates = completion.choices.map((choice, position): GeminiCandidate => {
    const { message } = choice;
    const parts: GeminiPart[] = [];
    const reasoning = reasoningTextOf(message);
    if (reasoning !== undefined && reasoning.length > 0) parts.push({ text: reasoning, thought: true });
    const text = typeof message.content === 'string' && message.content.length > 0 ? message.content : message.refusal;
    if (typeof text === 'string' && text.length > 0) parts.push({ text });
    for (const toolCall of message.tool_calls ?? []) {
      parts.push({
        functionCall: { id: toolCall.id, name: toolCall.function.name, args: parseFunctionCallArgs(toolCall.function.arguments) },
      });
    }
    return {
      content: { role: 'model', parts },
      finishReason: mapFinishReasonToGemini(choice.finish_reason) ?? 'STOP',
      index: typeof choice.index === 'number' ? choice.index : position,
    };
  });
  const usageMetadata = encodeGeminiUsage(completion.usage);
  return {
    candidates,
    ...(usageMetadata === undefined ? {} : { usageMetadata }),
    modelVersion: completion.model,
    responseId: completion.id,
  };
}
