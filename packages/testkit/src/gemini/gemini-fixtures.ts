/**
 * Pure builders for Gemini wire objects, shaped as the Gemini API sends them. Use them to script answers:
 * `upstream.script({ kind: 'sse', events: geminiStreamFrames({ text: ['Hel', 'lo'] }) })`.
 */
import { countWords } from '../openai-fixtures.js';
import type {
  GeminiCandidate,
  GeminiErrorBody,
  GeminiGenerateContentResponse,
  GeminiPart,
  GeminiPromptFeedback,
  GeminiUsageMetadata,
} from './gemini-types.js';

const defaultModel = 'gemini-2.5-flash';
const defaultResponseId = 'fake-gemini-response';

export interface GeminiUsageOptions {
  promptTokens: number;
  /** Visible output tokens (thoughts excluded, as Gemini counts them). */
  candidatesTokens?: number;
  thoughtsTokens?: number;
  /** A subset of `promptTokens`. */
  cachedTokens?: number;
  toolUsePromptTokens?: number;
}

/** `usageMetadata` as Gemini reports it; optional counts are left out when not given, and `totalTokenCount` is the sum. */
export function geminiUsageMetadata({
  promptTokens,
  candidatesTokens,
  thoughtsTokens,
  cachedTokens,
  toolUsePromptTokens,
}: GeminiUsageOptions): GeminiUsageMetadata {
  const usage: GeminiUsageMetadata = { promptTokenCount: promptTokens, totalTokenCount: 0 };
  if (candidatesTokens !== undefined) usage.candidatesTokenCount = candidatesTokens;
  if (cachedTokens !== undefined) usage.cachedContentTokenCount = cachedTokens;
  if (thoughtsTokens !== undefined) usage.thoughtsTokenCount = thoughtsTokens;
  if (toolUsePromptTokens !== undefined) usage.toolUsePromptTokenCount = toolUsePromptTokens;
  usage.totalTokenCount = promptTokens + (candidatesTokens ?? 0) + (thoughtsTokens ?? 0) + (toolUsePromptTokens ?? 0);
  usage.promptTokensDetails = [{ modality: 'TEXT', tokenCount: promptTokens }];
  return usage;
}

export interface GeminiFunctionCallFixture {
  name: string;
  args?: Record<string, unknown>;
  /** Gemini's own call id (often absent). */
  id?: string;
  /** Gemini 3 attaches one to the first function call of a step. */
  thoughtSignature?: string;
}

function functionCallPart({ name, args = {}, id, thoughtSignature }: GeminiFunctionCallFixture): GeminiPart {
  const part: GeminiPart = { functionCall: id === undefined ? { name, args } : { name, args, id } };
  if (thoughtSignature !== undefined) part.thoughtSignature = thoughtSignature;
  return part;
}

function blockedFeedback(blockReason: string): GeminiPromptFeedback {
  return {
    blockReason,
    safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
  };
}

export interface GeminiResponseOptions {
  model?: string;
  responseId?: string;
  /** Visible text; default `'Hello!'` unless `functionCalls` or `parts` are given. */
  text?: string;
  /** Thought summaries, placed before the text as `{ text, thought: true }` parts. */
  thoughts?: string[];
  functionCalls?: GeminiFunctionCallFixture[];
  /** Replaces the generated parts entirely. */
  parts?: GeminiPart[];
  /** Default `'STOP'` (also when function calls are present, as Gemini does). */
  finishReason?: string;
  /** How many identical candidates (index 0..n-1); default 1. */
  candidates?: number;
  /** Default: 5 prompt tokens, candidates = words of the text, thoughts = words of the thoughts. */
  usage?: GeminiUsageOptions;
  /** A blocked prompt: no candidates, `promptFeedback.blockReason` set. */
  blockReason?: string;
}

/** A full non-streamed `GenerateContentResponse`. */
export function geminiResponse({
  model = defaultModel,
  responseId = defaultResponseId,
  text,
  thoughts = [],
  functionCalls = [],
  parts,
  finishReason = 'STOP',
  candidates = 1,
  usage,
  blockReason,
}: GeminiResponseOptions = {}): GeminiGenerateContentResponse {
  if (blockReason !== undefined) {
    return {
      promptFeedback: blockedFeedback(blockReason),
      usageMetadata: geminiUsageMetadata(usage ?? { promptTokens: 5 }),
      modelVersion: model,
      responseId,
    };
  }
  const visibleText = text ?? (functionCalls.length > 0 || parts !== undefined ? undefined : 'Hello!');
  const builtParts: GeminiPart[] = parts ?? [
    ...thoughts.map((thought): GeminiPart => ({ text: thought, thought: true })),
    ...(visibleText === undefined ? [] : [{ text: visibleText }]),
    ...functionCalls.map(functionCallPart),
  ];
  const candidateList: GeminiCandidate[] = Array.from({ length: candidates }, (_, index) => ({
    content: { parts: builtParts, role: 'model' },
    finishReason,
    index,
  }));
  const defaultUsage: GeminiUsageOptions = {
    promptTokens: 5,
    candidatesTokens: countWords(visibleText ?? '') * candidates,
    ...(thoughts.length > 0 ? { thoughtsTokens: countWords(thoughts.join(' ')) } : {}),
  };
  return {
    candidates: candidateList,
    usageMetadata: geminiUsageMetadata(usage ?? defaultUsage),
    modelVersion: model,
    responseId,
  };
}

export interface GeminiStreamFramesOptions {
  model?: string;
  responseId?: string;
  /** Text pieces, one frame each. */
  text?: string[];
  /** Thought summary pieces, one frame each, before the text. */
  thoughts?: string[];
  /** All in one frame after the text, as Gemini sends parallel calls. */
  functionCalls?: GeminiFunctionCallFixture[];
  /** Set on the last frame; default `'STOP'`. `null` leaves it out (a stream cut short). */
  finishReason?: string | null;
  /** Sent on the last frame only. Default: 5 prompt tokens, candidates/thoughts = word counts. */
  usage?: GeminiUsageOptions;
  /** A blocked prompt: one frame with `promptFeedback.blockReason` and no candidates. */
  blockReason?: string;
}

/**
 * The frames of a `streamGenerateContent?alt=sse` answer, ready for `{ kind: 'sse', events }`: thoughts,
 * text pieces, then the function calls; `finishReason` and `usageMetadata` ride on the last frame.
 */
export function geminiStreamFrames({
  model = defaultModel,
  responseId = defaultResponseId,
  text = [],
  thoughts = [],
  functionCalls = [],
  finishReason = 'STOP',
  usage,
  blockReason,
}: GeminiStreamFramesOptions = {}): GeminiGenerateContentResponse[] {
  if (blockReason !== undefined) {
    return [
      {
        promptFeedback: blockedFeedback(blockReason),
        usageMetadata: geminiUsageMetadata(usage ?? { promptTokens: 5 }),
        modelVersion: model,
        responseId,
      },
    ];
  }
  const frame = (parts: GeminiPart[]): GeminiGenerateContentResponse => ({
    candidates: [{ content: { parts, role: 'model' }, index: 0 }],
    modelVersion: model,
    responseId,
  });
  const frames: GeminiGenerateContentResponse[] = [
    ...thoughts.map((thought) => frame([{ text: thought, thought: true }])),
    ...text.map((piece) => frame([{ text: piece }])),
  ];
  if (functionCalls.length > 0) frames.push(frame(functionCalls.map(functionCallPart)));
  if (frames.length === 0) frames.push(frame([{ text: '' }]));
  const last = frames.at(-1) as GeminiGenerateContentResponse;
  const lastCandidate = last.candidates?.[0] as GeminiCandidate;
  if (finishReason !== null) lastCandidate.finishReason = finishReason;
  last.usageMetadata = geminiUsageMetadata(
    usage ?? {
      promptTokens: 5,
      candidatesTokens: countWords(text.join('')),
      ...(thoughts.length > 0 ? { thoughtsTokens: countWords(thoughts.join('')) } : {}),
    },
  );
  return frames;
}

/** The canonical `google.rpc.Code` name Gemini puts in `error.status` for an HTTP status. */
export function geminiErrorStatus(status: number): string {
  const names: Record<number, string> = {
    400: 'INVALID_ARGUMENT',
    401: 'UNAUTHENTICATED',
    403: 'PERMISSION_DENIED',
    404: 'NOT_FOUND',
    409: 'ABORTED',
    429: 'RESOURCE_EXHAUSTED',
    499: 'CANCELLED',
    500: 'INTERNAL',
    501: 'UNIMPLEMENTED',
    503: 'UNAVAILABLE',
    504: 'DEADLINE_EXCEEDED',
  };
  return names[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
}

/** A Gemini error body: `{"error":{"code","message","status","details"?}}`. */
export function geminiError({
  code,
  message,
  status = geminiErrorStatus(code),
  details,
}: {
  code: number;
  message: string;
  status?: string;
  details?: unknown[];
}): GeminiErrorBody {
  return { error: details === undefined ? { code, message, status } : { code, message, status, details } };
}

/** The `google.rpc.RetryInfo` detail Gemini attaches to quota errors, e.g. `geminiRetryInfo('20s')`. */
export function geminiRetryInfo(retryDelay: string): Record<string, unknown> {
  return { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay };
}
