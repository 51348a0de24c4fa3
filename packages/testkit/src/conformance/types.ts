/**
 * Types of the provider conformance kit. The provider shapes are structural on purpose: the testkit does
 * not depend on `@switchyard/spec`, and any `ProviderV1` is assignable to `ConformanceProvider`.
 */

/** The canonical (OpenAI Chat Completions) request the kit sends; unknown fields are kept. */
export interface ConformanceChatRequest {
  model: string;
  messages: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/** The canonical embeddings request the kit sends. */
export interface ConformanceEmbeddingRequest {
  model: string;
  input: string[];
  [key: string]: unknown;
}

/** What `ProviderV1` calls receive: `{ model, request, signal, requestId }`. */
export interface ConformanceCall<TRequest> {
  model: string;
  request: TRequest;
  signal: AbortSignal;
  requestId: string;
}

/** A `JsonPayload` as far as the kit needs it: something whose `value` is the parsed document. */
export interface ConformancePayload {
  readonly value: unknown;
}

/** One `StreamPart`. */
export interface ConformanceStreamPart {
  type: string;
  chunk: ConformancePayload;
}

/**
 * The `ProviderV1` contract, structurally. Methods use method syntax so a `ProviderV1` (whose calls take
 * the narrower `ChatCall`) is assignable.
 */
export interface ConformanceProvider {
  chat(call: ConformanceCall<ConformanceChatRequest>): Promise<{ body: ConformancePayload }>;
  streamChat(call: ConformanceCall<ConformanceChatRequest>): Promise<{ parts: AsyncIterable<ConformanceStreamPart> }>;
  embed?(call: ConformanceCall<ConformanceEmbeddingRequest>): Promise<{ body: ConformancePayload }>;
  close?(): Promise<void>;
}

/** What the kit needs from a fake upstream. `startFakeOpenAI()`, `startFakeAnthropic()` and `startFakeGemini()` fit. */
export interface ConformanceUpstream<TScripted> {
  /** The base URL handed to `createProvider`. */
  readonly url: string;
  /** Queues responses (FIFO) for the next POST requests. */
  script(...responses: TScripted[]): void;
  /** The last request received, with its parsed JSON body. */
  lastRequest(): { body: unknown } | undefined;
  /** Requests whose client went away before the response finished; used by the abort checks when present. */
  readonly aborts?: number;
  /** Clears scripts and records; called after every check when present. */
  reset?(): void;
  close(): Promise<void>;
}

/** Token counts in canonical terms; a script must make the provider report exactly these. */
export interface ConformanceUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ConformanceToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  /** Pieces whose concatenation is `JSON.stringify(arguments)`, for upstreams that stream arguments. */
  argumentPieces: string[];
}

/** A non-streamed answer and the streamed answer that must be equivalent to it. */
export interface ConformancePair<TScripted> {
  complete: TScripted;
  stream: TScripted;
}

/**
 * How to make the upstream answer in its own wire format. Presets exist for the testkit's fakes:
 * `openAIConformanceScripts`, `anthropicConformanceScripts`, `geminiConformanceScripts`.
 */
export interface ConformanceScripts<TScripted> {
  /** Text in `pieces` (one stream event each), finish reason `stop`, the given usage. */
  text(input: { pieces: readonly string[]; usage: ConformanceUsage }): ConformancePair<TScripted>;
  /** Optional text, then the tool calls (arguments streamed in `argumentPieces` where the wire allows), finish reason `tool_calls`. */
  toolCalls(input: {
    text: readonly string[];
    calls: readonly ConformanceToolCall[];
    usage: ConformanceUsage;
  }): ConformancePair<TScripted>;
  /** An HTTP error answer in the upstream's error envelope, with extra response headers. */
  error(input: { status: number; message: string; headers: Record<string, string> }): TScripted;
  /**
   * A 200 stream with the start of the text answer that never completes: `connection-reset` destroys the
   * socket mid-stream, `body-ended` ends the body cleanly before any finish reason or terminator.
   */
  truncatedStream(input: { pieces: readonly string[]; ending: 'connection-reset' | 'body-ended' }): TScripted;
  /** A 200 stream that sends its first events and then nothing, keeping the socket open. */
  stalledStream(input: { pieces: readonly string[] }): TScripted;
  /** No answer at all until the client goes away. */
  hang(): TScripted;
  /** A 200 stream whose first event is the upstream's in-band error. Without it the in-band check is skipped. */
  inBandStreamError?(input: { message: string }): TScripted;
}

/** What the provider claims to support; a `false` skips the checks that need it. */
export interface ConformanceCapabilities {
  /** Tool calls (`tools` in, `tool_calls` out, streamed and not). */
  tools: boolean;
  /** `embed()`; checked against the upstream's default (unscripted) embeddings answer. */
  embeddings: boolean;
  /** Several tool calls in one answer. */
  parallelToolCalls: boolean;
}

export interface ProviderConformanceOptions<TScripted> {
  /** Shown in the describe block: `<name> provider conformance`. */
  name: string;
  /** Starts the fake upstream once per suite; `apiKey` is the key the provider gets, for fakes that check it. */
  startUpstream(context: { apiKey: string }): Promise<ConformanceUpstream<TScripted>>;
  /** Creates the provider under test, pointed at the fake. */
  createProvider(context: { url: string; apiKey: string }): ConformanceProvider;
  /** The upstream model id passed as `call.model`. */
  model: string;
  /** The model for the embeddings check; default `model`. */
  embeddingModel?: string;
  scripts: ConformanceScripts<TScripted>;
  capabilities: ConformanceCapabilities;
  /**
   * Request fields the provider claims to pass through untouched. A list uses probe values
   * (`'conformance-probe-<field>'`); a record gives the values. Absent: the forwarding check is skipped.
   */
  unknownFieldsForwarded?: readonly string[] | Readonly<Record<string, unknown>>;
  /** The API key handed to the provider and planted in error messages; default a `sk-conformance-…` key. */
  apiKey?: string;
  /** How long an aborted call may take to settle; default 1000 ms. */
  abortDeadlineMs?: number;
}

/** Everything a check runs against. */
export interface ConformanceContext<TScripted> {
  provider: ConformanceProvider;
  upstream: ConformanceUpstream<TScripted>;
  options: ProviderConformanceOptions<TScripted>;
  apiKey: string;
}

export type ConformanceCheckId =
  | 'stream-equivalence'
  | 'usage'
  | 'tool-call-reassembly'
  | 'parallel-tool-calls'
  | 'unknown-fields-forwarded'
  | 'error-rate-limit'
  | 'error-bad-request'
  | 'error-server'
  | 'error-secrets'
  | 'stream-connection-reset'
  | 'stream-body-ended'
  | 'in-band-error'
  | 'abort-stream'
  | 'abort-chat'
  | 'embeddings';

export interface ConformanceCheck {
  id: ConformanceCheckId;
  title: string;
  /** Why the check does not apply to these options, or `undefined` when it runs. */
  skipReason<TScripted>(options: ProviderConformanceOptions<TScripted>): string | undefined;
  /** Resolves when the provider conforms; throws an assertion error when it does not. */
  run<TScripted>(context: ConformanceContext<TScripted>): Promise<void>;
}
