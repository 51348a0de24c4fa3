import { type ChatCompletionChunk, readUsage } from '@switchyard/spec';
import { reasoningTextOf } from './encode-gemini-response.js';
import { encodeGeminiUsage } from './encode-gemini-usage.js';
import type { GeminiCandidate, GeminiGenerateContentResponse, GeminiPart } from './gemini-wire-types.js';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.js';
import { parseFunctionCallArgs } from './parse-function-call-args.js';

export interface GeminiStreamEncoder {
  /** The frames a canonical chunk produces (none or one). */
  push(chunk: ChatCompletionChunk): GeminiGenerateContentResponse[];
  /** The frame that flushes tool calls still open when the canonical stream ended without a finish reason. */
  finish(): GeminiGenerateContentResponse[];
}

interface OpenCall {
  id: string;
  name: string;
  argumentsText: string;
}

interface CandidateState {
  /** The tool call being assembled (at most one: a new call completes the previous one). */
  open: { toolIndex: number; call: OpenCall } | undefined;
  /** Tool indexes already sent; late fragments for them cannot be sent any more and are ignored. */
  sent: Set<number>;
}

/**
 * A stateful translator from canonical chunks to Gemini stream frames (`GenerateContentResponse`s), one
 * frame per chunk that has something to say, as chunks arrive:
 *
 * - each choice is a candidate (same index); reasoning deltas → `{text, thought: true}` parts, content and
 *   refusal deltas → `{text}` parts;
 * - Gemini sends function calls whole, so a tool call's fragments are collected and it is sent as one
 *   `functionCall` part (`args` parsed, `id` = the tool call id) once complete: when the next tool call of
 *   that choice starts, or the choice finishes;
 * - `finishReason` goes on the candidate of the chunk that finishes it; usage goes out as
 *   `usageMetadata` on the frame of the chunk that carries it (the final usage chunk: a frame without
 *   candidates). Every frame carries `modelVersion` and `responseId`.
 */
export function createGeminiStreamEncoder(): GeminiStreamEncoder {
  let responseId = '';
  let modelVersion = '';
  const candidates = new Map<number, CandidateState>();

  function stateOf(index: number): CandidateState {
    let state = candidates.get(index);
    if (state === undefined) {
      state = { open: undefined, sent: new Set() };
      candidates.set(index, state);
    }
    return state;
  }

  function completeOpenCall(state: CandidateState, parts: GeminiPart[]): void {
    if (state.open === undefined) return;
    const { toolIndex, call } = state.open;
    parts.push({ functionCall: { id: call.id, name: call.name, args: parseFunctionCallArgs(call.argumentsText) } });
    state.sent.add(toolIndex);
    state.open = undefined;
  }

  function synthesizedId(toolIndex: number): string {
    return `call_${responseId.replace(/[^A-Za-z0-9_-]/g, '_')}_${toolIndex}`;
  }

  function encodeChoice(choice: ChatCompletionChunk['choices'][number]): GeminiCandidate | undefined {
    const state = stateOf(choice.index);
    const parts: GeminiPart[] = [];
    const delta = choice.delta ?? {};
    const reasoning = reasoningTextOf(delta);
    if (reasoning !== undefined && reasoning.length > 0) parts.push({ text: reasoning, thought: true });
    for (const text of [delta.content, delta.refusal]) {
      if (typeof text === 'string' && text.length > 0) parts.push({ text });
    }
    for (const toolCall of delta.tool_calls ?? []) {
      const toolIndex = typeof toolCall.index === 'number' ? toolCall.index : 0;
      if (state.sent.has(toolIndex)) continue;
      if (state.open?.toolIndex !== toolIndex) {
        completeOpenCall(state, parts);
        const id = typeof toolCall.id === 'string' && toolCall.id.length > 0 ? toolCall.id : synthesizedId(toolIndex);
        state.open = { toolIndex, call: { id, name: toolCall.function?.name ?? '', argumentsText: '' } };
      }
      const fragment = toolCall.function?.arguments;
      if (typeof fragment === 'string') state.open.call.argumentsText += fragment;
    }
    const finishReason = mapFinishReasonToGemini(choice.finish_reason);
    if (finishReason !== undefined) completeOpenCall(state, parts);
    if (parts.length === 0 && finishReason === undefined) return undefined;
    return { content: { role: 'model', parts }, ...(finishReason === undefined ? {} : { finishReason }), index: choice.index };
  }

  function frame(frameCandidates: GeminiCandidate[], usage: ReturnType<typeof encodeGeminiUsage>): GeminiGenerateContentResponse {
    return {
      ...(frameCandidates.length > 0 ? { candidates: frameCandidates } : {}),
      ...(usage === undefined ? {} : { usageMetadata: usage }),
      modelVersion,
      responseId,
    };
  }

  return {
    push(chunk) {
      if (responseId === '' && typeof chunk.id === 'string') responseId = chunk.id;
      if (typeof chunk.model === 'string' && chunk.model.length > 0) modelVersion = chunk.model;
      const frameCandidates = (Array.isArray(chunk.choices) ? chunk.choices : [])
        .map(encodeChoice)
        .filter((candidate): candidate is GeminiCandidate => candidate !== undefined);
      const usage = encodeGeminiUsage(readUsage(chunk.usage));
      if (frameCandidates.length === 0 && usage === undefined) return [];
      return [frame(frameCandidates, usage)];
    },
    finish() {
      const frameCandidates: GeminiCandidate[] = [];
      for (const [index, state] of candidates) {
        const parts: GeminiPart[] = [];
        completeOpenCall(state, parts);
        if (parts.length > 0) frameCandidates.push({ content: { role: 'model', parts }, index });
      }
      return frameCandidates.length === 0 ? [] : [frame(frameCandidates, undefined)];
    },
  };
}
