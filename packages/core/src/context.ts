import type {
  ChatCompletion,
  ChatRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  JsonPayload,
  ProviderV1,
  StreamPart,
  UpstreamMeta,
  Usage,
} from '@switchyard/spec';
import type { Logger } from './logger.js';

/**
 * Per-request state shared between middleware. Plugins add their own typed fields by declaration merging:
 *
 * ```ts
 * declare module '@switchyard/core' { interface GatewayState { tenant?: string } }
 * ```
 */
export interface GatewayState {
  /** Who is calling, once an auth middleware has checked the credentials. */
  principal?: Principal;
}

/** The authenticated caller. Never holds the secret itself: only an id that is safe to log. */
export interface Principal {
  /** A stable, non-secret id of the gateway key (safe in logs and the ledger). */
  keyId: string;
  name?: string;
  team?: string;
  user?: string;
  /** Free-form tags from the key (department, project, environment). */
  metadata?: Readonly<Record<string, string>>;
  /** Rate limits granted to this caller (enforced by a rate-limit middleware). */
  limits?: Readonly<RateLimitSpec>;
  /** Spending limits granted to this caller (enforced by a budget middleware). */
  budgets?: readonly BudgetSpec[];
}

export interface RateLimitSpec {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (input + output) per minute. */
  tpm?: number;
}

export interface BudgetSpec {
  /** Calendar window in UTC. */
  window: 'day' | 'month';
  /** Hard limit in US dollars. */
  usd: number;
}

/** One place a request can be sent: a provider and the model id it knows. */
export interface RouteTarget {
  providerId: string;
  provider: ProviderV1;
  /** The upstream model id, without the `provider/` prefix. */
  model: string;
  /** Request fields to override for this target (e.g. `temperature`). */
  params?: Readonly<Record<string, unknown>>;
}

/** Where the request goes. Set by the core's resolver, or earlier by a router or experiment middleware. */
export interface RouteDecision {
  /** The name the client asked for. */
  requested: string;
  /** The alias that matched, if any. */
  alias?: string;
  /** In order of preference. The core sends to the first; interceptors may try others. */
  targets: RouteTarget[];
}

interface ResultBase {
  /** Who produced the result. */
  source: 'provider' | 'cache' | 'middleware';
  providerId?: string;
  /** The upstream model id that answered. */
  model?: string;
  upstream?: UpstreamMeta;
}

export interface CompletionResult extends ResultBase {
  type: 'completion';
  body: JsonPayload<ChatCompletion>;
}

export interface StreamResult extends ResultBase {
  type: 'stream';
  parts: AsyncIterable<StreamPart>;
}

export interface EmbeddingsResult extends ResultBase {
  type: 'embeddings';
  body: JsonPayload<EmbeddingResponse>;
}

export type GatewayResult = CompletionResult | StreamResult | EmbeddingsResult;

export interface HttpInfo {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly ip: string | undefined;
}

interface ContextBase {
  readonly requestId: string;
  /** `performance.now()` when the request arrived. */
  readonly startedAt: number;
  readonly http: HttpInfo;
  /** The wire dialect the client speaks; replies and errors are encoded in it. */
  readonly dialect: string;
  route?: RouteDecision;
  /** Set by dispatch, or by a middleware that answers itself (cache hit, block). */
  result?: GatewayResult;
  /** Token usage as the upstream reported it; for streams, known once the stream has ended. */
  usage?: Usage;
  /** Headers added to the client's response. */
  readonly responseHeaders: Record<string, string>;
  readonly state: GatewayState;
  /** Aborted when the client disconnects or the gateway closes. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Registers work that must finish after the response (ledger writes, cache fills). */
  waitUntil(promise: Promise<unknown>): void;
  /** Runs once the response has been fully sent, or has failed or been aborted. */
  onFinish(listener: (outcome: FinishOutcome) => void): void;
}

export interface FinishOutcome {
  status: number;
  /** Set when the request failed, including failures in the middle of a stream. */
  error?: { code: string | null; status: number };
  /** The client went away before the response was complete. */
  aborted: boolean;
  durationMs: number;
}

export interface ChatContext extends ContextBase {
  readonly operation: 'chat';
  /** The canonical request; middleware may replace it (masking, defaults). */
  request: ChatRequest;
}

export interface EmbeddingsContext extends ContextBase {
  readonly operation: 'embeddings';
  request: EmbeddingRequest;
}

export type GatewayContext = ChatContext | EmbeddingsContext;
