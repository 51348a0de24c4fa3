import { type ChatCompletionChunk, type FinishReason, GatewayError, type Usage } from '@switchyard/spec';
import { convertGeminiFunctionCall } from './convert-gemini-function-call.js';
import { candidateParts, createCompletionId } from './convert-gemini-response.js';
import { convertGeminiUsage } from './convert-gemini-usage.js';
import type { GeminiGenerateContentResponse } from './gemini-wire-types.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

interface CandidateState {
  /** Tool calls emitted so far: the next call's OpenAI `index` (tool calls only, not parts). */
  toolCalls: number;
  finished: boolean;
}

export interface GeminiStreamConverter {
  /** The canonical chunks for one SSE frame, in order. */
  push(frame: GeminiGenerateContentResponse): ChatCompletionChunk[];
  /**
   * Called at the end of the body. Returns the usage chunk (`choices: []`) when usage was reported;
   * throws a retryable 502 `upstream_stream_truncated` when a started choice never got a finish reason.
   */
  finish(): ChatCompletionChunk[];
}

export interface GeminiStreamConverterOptions {
  /** The upstream model id asked for; used until a frame carries `modelVersion`. */
  model: string;
  /** Provider id for error messages. */
  providerId: string;
  /** Unix seconds; default now. */
  created?: number;
}

/**
 * Turns Gemini SSE frames (each a `GenerateContentResponse`) into canonical chunks as they arrive: a role
 * chunk when a choice first appears, a content delta per text part, a `reasoning_content` delta per
 * thought part, one `tool_calls` delta per function call (complete: index, id, type, name and the full
 * `JSON.stringify(args)`), a finish chunk, and at the end one usage chunk. `id` and `model` are fixed by
 * the first frame so every chunk carries the same ones.
 */
export function createGeminiStreamConverter({
  model,
  providerId,
  created = Math.floor(Date.now() / 1000),
}: GeminiStreamConverterOptions): GeminiStreamConverter {
  let id: string | undefined;
  let chunkModel = model;
  let usage: Usage | undefined;
  const states = new Map<number, CandidateState>();

  const chunk = (index: number, delta: Delta, finishReason: FinishReason | null = null): ChatCompletionChunk => ({
    id: id as string,
    object: 'chat.completion.chunk',
    created,
    model: chunkModel,
    choices: [{ index, delta, logprobs: null, finish_reason: finishReason }],
  });

  const stateFor = (index: number, out: ChatCompletionChunk[]): CandidateState => {
    let state = states.get(index);
    if (!state) {
      state = { toolCalls: 0, finished: false };
      states.set(index, state);
      out.push(chunk(index, { role: 'assistant', content: '' }));
    }
    return state;
  };

  return {
    push(frame) {
      if (id === undefined) {
        id = typeof frame.responseId === 'string' ? frame.responseId : createCompletionId();
        if (typeof frame.modelVersion === 'string') chunkModel = frame.modelVersion;
      }
      const out: ChatCompletionChunk[] = [];
      const candidates = Array.isArray(frame.candidates) ? frame.candidates : [];
      candidates.forEach((candidate, position) => {
        const index = typeof candidate.index === 'number' ? candidate.index : position;
        const state = stateFor(index, out);
        for (const part of candidateParts(candidate)) {
          if (typeof part.text === 'string') {
            if (part.text.length === 0) continue;
            out.push(chunk(index, part.thought === true ? { reasoning_content: part.text } : { content: part.text }));
            continue;
          }
          const toolCall = convertGeminiFunctionCall(part);
          if (!toolCall) continue;
          out.push(chunk(index, { tool_calls: [{ index: state.toolCalls, ...toolCall }] }));
          state.toolCalls += 1;
        }
        if (typeof candidate.finishReason === 'string' && !state.finished) {
          state.finished = true;
          out.push(chunk(index, {}, mapGeminiFinishReason(candidate.finishReason, state.toolCalls > 0)));
        }
      });
      if (candidates.length === 0 && frame.promptFeedback?.blockReason !== undefined) {
        const state = stateFor(0, out);
        if (!state.finished) {
          state.finished = true;
          out.push(chunk(0, {}, 'content_filter'));
        }
      }
      usage = convertGeminiUsage(frame.usageMetadata) ?? usage;
      return out;
    },

    finish() {
      const all = [...states.values()];
      if (all.length === 0 || all.some((state) => !state.finished)) {
        throw new GatewayError({
          message: `The upstream provider "${providerId}" ended the stream before it was complete.`,
          kind: 'upstream',
          status: 502,
          code: 'upstream_stream_truncated',
          retryable: true,
        });
      }
      if (!usage) return [];
      return [{ id: id as string, object: 'chat.completion.chunk', created, model: chunkModel, choices: [], usage }];
    },
  };
}
