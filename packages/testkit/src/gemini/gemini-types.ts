/**
 * Gemini API (AI Studio, `v1beta`) wire shapes as the fake sends and reads them, plus the fake's own
 * scripting and recording types. Defined here, not imported, so the fake checks the gateway against the
 * format Google sends rather than against the gateway's own types.
 */
import type { EventStreamTiming } from '../event-stream.js';
import type { FakeServer } from '../fake-server.js';
import type { ScriptedHangResponse, ScriptedJsonResponse, ScriptedRawResponse, ScriptedResetResponse } from '../types.js';

export interface GeminiFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
}

export interface GeminiFunctionResponse {
  name: string;
  response: Record<string, unknown>;
  id?: string;
}

/** One `Part`: exactly one of the data fields is set. */
export interface GeminiPart {
  text?: string;
  /** A thought summary (set with `thinkingConfig.includeThoughts`). */
  thought?: boolean;
  /** Opaque signature of the model's reasoning (Gemini 3); must be sent back unchanged. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiSafetyRating {
  category: string;
  probability: string;
  blocked?: boolean;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
  safetyRatings?: GeminiSafetyRating[];
}

export interface GeminiModalityTokenCount {
  modality: string;
  tokenCount: number;
}

/** `usageMetadata`: `promptTokenCount` includes cached tokens; `candidatesTokenCount` excludes thoughts. */
export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount?: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  promptTokensDetails?: GeminiModalityTokenCount[];
}

export interface GeminiPromptFeedback {
  blockReason?: string;
  safetyRatings?: GeminiSafetyRating[];
}

/** A `GenerateContentResponse`: the non-streamed body, and every SSE frame of a stream. */
export interface GeminiGenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

/** The body of every Gemini error: `{"error":{"code","message","status","details"?}}`. */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

/** Answers with a Gemini error body; `geminiStatus` defaults from the HTTP status (429 → RESOURCE_EXHAUSTED). */
export interface GeminiScriptedErrorResponse {
  kind: 'error';
  status: number;
  message: string;
  geminiStatus?: string;
  /** `google.rpc` details, e.g. `geminiRetryInfo('20s')`. */
  details?: unknown[];
  headers?: Record<string, string>;
}

/**
 * Answers 200 `text/event-stream` with one `data: <json>\n\n` write per event and no terminator: a Gemini
 * stream ends when the body ends.
 */
export interface GeminiScriptedSseResponse extends EventStreamTiming {
  kind: 'sse';
  /** Objects are JSON-serialized; strings are written as-is after `data: `. */
  events: Array<unknown>;
  headers?: Record<string, string>;
}

export type GeminiScriptedResponse =
  | ScriptedJsonResponse
  | GeminiScriptedErrorResponse
  | GeminiScriptedSseResponse
  | ScriptedRawResponse
  | ScriptedResetResponse
  | ScriptedHangResponse;

/** How a request carried its key: the `x-goog-api-key` header, the `?key=` query parameter, or not at all. */
export type GeminiAuthSource = 'header' | 'query' | 'none';

/** What the fake received, recorded once the body has been read in full. */
export interface GeminiRecordedRequest {
  method: string;
  /** Path including the query string, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  /** The model segment of the path (`gemini-2.5-flash`), when there is one. */
  model: string | undefined;
  /** The RPC after the colon (`generateContent`, `streamGenerateContent`, ...), when there is one. */
  action: string | undefined;
  /** Lowercased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Parsed query parameters. */
  query: Record<string, string>;
  auth: GeminiAuthSource;
  /** The parsed JSON body, or the raw string when it is not JSON (or empty). */
  body: unknown;
  rawBody: string;
  /** `Date.now()` when the request headers arrived. */
  receivedAt: number;
}

export interface FakeGeminiOptions {
  /** When set, requests must carry it (header or `?key=`): missing → 403, wrong → 400 `API_KEY_INVALID`. */
  apiKey?: string;
  /** Served by `GET /v1beta/models`; default `defaultFakeGeminiModels`. */
  models?: readonly string[];
}

export interface FakeGemini extends FakeServer<GeminiScriptedResponse, GeminiRecordedRequest> {
  /** `http://127.0.0.1:PORT`: the origin a Gemini client uses as its base URL (paths start with `/v1beta`). */
  readonly url: string;
}
