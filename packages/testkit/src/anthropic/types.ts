/**
 * Anthropic Messages wire shapes used by the fake Anthropic upstream and its fixture builders. They are
 * written out here (not imported from the SDK or the gateway) so the testkit checks the gateway against
 * the format Anthropic actually sends.
 */
import type { EventStreamTiming } from '../event-stream.js';
import type { FakeServer } from '../fake-server.js';
import type {
  RecordedRequest,
  ScriptedHangResponse,
  ScriptedJsonResponse,
  ScriptedRawResponse,
  ScriptedResetResponse,
} from '../types.js';

/** Token usage exactly as Anthropic reports it: `input_tokens` EXCLUDES the cache counts. */
export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
  service_tier?: string | null;
}

export interface AnthropicTextBlock {
  type: 'text';
  text: string;
  citations?: null;
}

export interface AnthropicToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}

export type AnthropicContentBlock = AnthropicTextBlock | AnthropicToolUseBlock | AnthropicThinkingBlock;

/** A non-streamed `message` object, the body of `POST /v1/messages`. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** The body of every Anthropic error response (and of an in-stream `event: error`). */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
  request_id?: string | null;
}

/** One server-sent event: written as `event: <event>\ndata: <json>\n\n`. */
export interface AnthropicSseEvent {
  event: string;
  /** Objects are JSON-serialized; strings are written as they are. */
  data: unknown;
}

/** Answers with an Anthropic error body `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface AnthropicScriptedErrorResponse {
  kind: 'error';
  status: number;
  message: string;
  /** Default from the status, as Anthropic labels them (429 `rate_limit_error`, 529 `overloaded_error`, ...). */
  type?: string;
  headers?: Record<string, string>;
}

/** Answers 200 `text/event-stream`, one write per event, WITH `event:` lines. */
export interface AnthropicScriptedSseResponse extends EventStreamTiming {
  kind: 'sse';
  /** `{event, data}` objects are framed as `event: …\ndata: …\n\n`; strings are written verbatim. */
  events: Array<AnthropicSseEvent | string>;
  headers?: Record<string, string>;
}

export type AnthropicScriptedResponse =
  | ScriptedJsonResponse
  | AnthropicScriptedErrorResponse
  | AnthropicScriptedSseResponse
  | ScriptedRawResponse
  | ScriptedResetResponse
  | ScriptedHangResponse;

export interface FakeAnthropicOptions {
  /** Served by `GET /v1/models`; default `defaultFakeAnthropicModels`. */
  models?: readonly string[];
  /** When set, requests without `x-api-key: <apiKey>` or `Authorization: Bearer <apiKey>` get a 401. */
  apiKey?: string;
}

export interface FakeAnthropic extends FakeServer<AnthropicScriptedResponse, RecordedRequest> {
  /** The base URL an Anthropic client uses: `http://127.0.0.1:PORT` (Anthropic base URLs have no `/v1`). */
  readonly url: string;
  /** Same as `url`. */
  readonly origin: string;
}
