import type { ChatCompletion, EmbeddingResponse } from './chat-completion.js';
import type { ChatRequest } from './chat-request.js';
import type { EmbeddingRequest } from './embedding-request.js';
import type { JsonPayload } from './json-payload.js';
import type { ModerationRequest, ModerationResponse } from './moderation-request.js';
import type { StreamPart } from './stream-part.js';

/**
 * The provider contract, version 1. A provider turns canonical requests into its upstream's native HTTP
 * calls and returns canonical results. It never imports the core or a web framework; everything it needs
 * arrives in the call.
 */
export const PROVIDER_SPECIFICATION_VERSION = 'v1';

export interface ProviderCall<TRequest> {
  /** The upstream model id (already resolved from aliases and `provider/` prefixes). */
  model: string;
  /** The canonical request; `request.model` is still what the client sent. */
  request: TRequest;
  /** Aborted when the client disconnects or the deadline passes: stop all upstream work. */
  signal: AbortSignal;
  requestId: string;
}

export type ChatCall = ProviderCall<ChatRequest>;
export type EmbeddingCall = ProviderCall<EmbeddingRequest>;
export type ModerationCall = ProviderCall<ModerationRequest>;

/** What the upstream said about the call apart from the body. */
export interface UpstreamMeta {
  status: number;
  /** The upstream's request id (`x-request-id` / `request-id`), when it sent one. */
  requestId?: string;
}

export interface ChatResult {
  body: JsonPayload<ChatCompletion>;
  upstream: UpstreamMeta;
}

export interface StreamResult {
  /** Canonical chunks, delivered as they arrive. Throws a GatewayError if the upstream breaks. */
  parts: AsyncIterable<StreamPart>;
  upstream: UpstreamMeta;
}

export interface EmbeddingResult {
  body: JsonPayload<EmbeddingResponse>;
  upstream: UpstreamMeta;
}

export interface ModerationResult {
  body: JsonPayload<ModerationResponse>;
  upstream: UpstreamMeta;
}

export interface TokenCountResult {
  inputTokens: number;
  upstream: UpstreamMeta;
}

export interface ProviderV1 {
  readonly specificationVersion: 'v1';
  /** The id used in model names: `openai` in `openai/gpt-4o`. */
  readonly id: string;
  /** Models this provider lists in `GET /v1/models` (it may serve others). */
  readonly models?: readonly string[];
  chat(call: ChatCall): Promise<ChatResult>;
  /** Called for `stream: true`. Resolves once the upstream has answered with a streaming response. */
  streamChat(call: ChatCall): Promise<StreamResult>;
  embed?(call: EmbeddingCall): Promise<EmbeddingResult>;
  /** Classifies text (OpenAI `/v1/moderations` shape), where the upstream offers a moderation endpoint. */
  moderate?(call: ModerationCall): Promise<ModerationResult>;
  /** Counts the input tokens of a chat request with the upstream's own tokenizer, where it offers one. */
  countTokens?(call: ChatCall): Promise<TokenCountResult>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

export type Provider = ProviderV1;
