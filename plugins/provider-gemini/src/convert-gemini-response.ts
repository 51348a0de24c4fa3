import { randomBytes } from 'node:crypto';
import type { AssistantMessage, ChatCompletion, ToolCall } from '@switchyard/spec';
import { convertGeminiFunctionCall } from './convert-gemini-function-call.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-wire-types.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** A `chatcmpl-…` id for responses that carry no `responseId`. */
export function createCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString('hex')}`;
}

/** The parts of a candidate, read defensively. */
export function candidateParts(candidate: GeminiCandidate): GeminiPart[] {
  const parts = candidate.content?.parts;
  return Array.isArray(parts) ? parts.filter((part): part is GeminiPart => typeof part === 'object' && part !== null) : [];
}

function convertCandidate(candidate: GeminiCandidate, position: number): ChatCompletion['choices'][number] {
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of candidateParts(candidate)) {
    if (typeof part.text === 'string') {
      if (part.thought === true) reasoning += part.text;
      else text += part.text;
      continue;
    }
    const toolCall = convertGeminiFunctionCall(part);
    if (toolCall) toolCalls.push(toolCall);
  }
  const message: AssistantMessage = {
    role: 'assistant',
    content: text.length > 0 || toolCalls.length === 0 ? text : null,
    refusal: null,
  };
  if (reasoning.length > 0) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    index: typeof candidate.index === 'number' ? candidate.index : position,
    message,
    logprobs: null,
    finish_reason: mapGeminiFinishReason(candidate.finishReason, toolCalls.length > 0),
  };
}

export interface ConvertGeminiResponseOptions {
  response: GeminiGenerateContentResponse;
  /** The upstream model id asked for; used when the response has no `modelVersion`. */
  model: string;
  /** Unix seconds; default now. */
  created?: number;
}

/**
 * A `GenerateContentResponse` → a canonical `chat.completion`.
 *
 * - `candidates[i]` → `choices[i]` (Gemini's `index` kept); text parts → `content`, thought parts →
 *   `reasoning_content` (the field DeepSeek and vLLM use), `functionCall` parts → `tool_calls`.
 * - A prompt blocked before generation (`promptFeedback.blockReason`, no candidates) → one choice with
 *   empty content and `finish_reason: 'content_filter'`, so clients see a filtered answer, not an error.
 * - `id` = `responseId`, `model` = `modelVersion` (else the requested model), usage converted.
 */
export function convertGeminiResponse({
  response,
  model,
  created = Math.floor(Date.now() / 1000),
}: ConvertGeminiResponseOptions): ChatCompletion {
  const candidates = Array.isArray(response.candidates) ? response.candidates : [];
  const choices: ChatCompletion['choices'] = candidates.map(convertCandidate);
  if (choices.length === 0) {
    choices.push({
      index: 0,
      message: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: response.promptFeedback?.blockReason !== undefined ? 'content_filter' : 'stop',
    });
  }
  const completion: ChatCompletion = {
    id: typeof response.responseId === 'string' ? response.responseId : createCompletionId(),
    object: 'chat.completion',
    created,
    model: typeof response.modelVersion === 'string' ? response.modelVersion : model,
    choices,
  };
  const usage = convertGeminiUsage(response.usageMetadata);
  if (usage) completion.usage = usage;
  return completion;
}
