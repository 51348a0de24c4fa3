/**
 * Shapes shared by the fake OpenAI upstream and its fixture builders. Wire shapes are defined here on
 * purpose (not imported from other workspace packages) so the testkit stays dependency-free and checks
 * the gateway against the format OpenAI actually sends, not against the gateway's own types.
 */
import type { EventStreamTiming } from './event-stream.js';
import type { FakeServer } from './fake-server.js';

/** Token usage exactly as OpenAI reports it. */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number } | null;
}

/** The body of every OpenAI error response. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A non-streamed `chat.completion` object. */
export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: OpenAIToolCall[];
    };
    logprobs: null;
    finish_reason: string;
  }>;
  usage: Usage;
  system_fingerprint: string;
}

export interface OpenAIToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface OpenAIChunkDelta {
  role?: 'assistant';
  content?: string | null;
  tool_calls?: OpenAIToolCallDelta[];
}

/** One streamed `chat.completion.chunk` object (the JSON after `data: `). */
export interface OpenAIChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: Array<{
    index: number;
    delta: OpenAIChunkDelta;
    logprobs: null;
    finish_reason: string | null;
  }>;
  usage?: Usage | null;
}

/** Answers with a JSON body (default status 200) after an optional delay. */
export interface ScriptedJsonResponse {
  kind: 'json';
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
  delayMs?: number;
}

/** Answers with an OpenAI error body `{"error":{"message","type","param","code"}}`. */
export interface ScriptedErrorResponse {
  kind: 'error';
  status: number;
  message: string;
  /** Default from the status, as OpenAI labels them: 429 `requests`, 5xx `server_error`, else `invalid_request_error`. */
  type?: string;
  code?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
}

/** Answers 200 `text/event-stream`, one `data: ...\n\n` write per event. */
export interface ScriptedSseResponse extends EventStreamTiming {
  kind: 'sse';
  /** Objects are JSON-serialized; strings are written as-is after `data: `. */
  events: Array<unknown>;
  /** Write `data: [DONE]` after the last event; default true. */
  done?: boolean;
}

/** Answers with an arbitrary body (garbage, HTML error pages). No content-type unless given. */
export interface ScriptedRawResponse {
  kind: 'raw';
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** Destroys the socket before sending any header. */
export interface ScriptedResetResponse {
  kind: 'reset';
}

/** Never answers; released when the client goes away or the server closes. */
export interface ScriptedHangResponse {
  kind: 'hang';
}

export type ScriptedResponse =
  | ScriptedJsonResponse
  | ScriptedErrorResponse
  | ScriptedSseResponse
  | ScriptedRawResponse
  | ScriptedResetResponse
  | ScriptedHangResponse;

/** What the fake received, recorded once the body has been read in full. */
export interface RecordedRequest {
  method: string;
  /** Path including the query string, e.g. `/v1/chat/completions?x=1`. */
  path: string;
  /** Lowercased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw string when it is not JSON (or empty). */
  body: unknown;
  rawBody: string;
  /** `Date.now()` when the request headers arrived. */
  receivedAt: number;
}

export interface FakeOpenAIOptions {
  /** Served by `GET /v1/models`; default `['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']`. */
  models?: readonly string[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get a 401 OpenAI error. */
  apiKey?: string;
}

export interface FakeOpenAI extends FakeServer<ScriptedResponse, RecordedRequest> {
  /** The base URL an OpenAI client uses: `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
}
