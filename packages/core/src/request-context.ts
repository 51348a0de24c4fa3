import { type ChatRequest, type EmbeddingRequest, toGatewayError, type Usage } from '@switchyard/spec';
import type { FinishOutcome, GatewayContext, GatewayResult, GatewayState, HttpInfo, RouteDecision } from './context.js';
import type { Logger } from './logger.js';

export interface RequestContextInit {
  requestId: string;
  startedAt: number;
  http: HttpInfo;
  dialect: string;
  signal: AbortSignal;
  log: Logger;
  operation: 'chat' | 'embeddings';
  request: ChatRequest | EmbeddingRequest;
}

/**
 * The per-request context. A class rather than an object literal with closures: requests are the hot
 * path, and methods on a prototype cost nothing per request.
 */
class GatewayRequestContext {
  readonly requestId: string;
  readonly startedAt: number;
  readonly http: HttpInfo;
  readonly dialect: string;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly operation: 'chat' | 'embeddings';
  request: ChatRequest | EmbeddingRequest;
  route: RouteDecision | undefined = undefined;
  result: GatewayResult | undefined = undefined;
  usage: Usage | undefined = undefined;
  readonly responseHeaders: Record<string, string>;
  readonly state: GatewayState = {};
  #finishListeners: Array<(outcome: FinishOutcome) => void> | undefined;

  constructor(init: RequestContextInit) {
    this.requestId = init.requestId;
    this.startedAt = init.startedAt;
    this.http = init.http;
    this.dialect = init.dialect;
    this.signal = init.signal;
    this.log = init.log;
    this.operation = init.operation;
    this.request = init.request;
    this.responseHeaders = { 'x-request-id': init.requestId };
  }

  waitUntil(promise: Promise<unknown>): void {
    promise.catch((error: unknown) => {
      const failure = toGatewayError(error);
      this.log.error('background task failed', { requestId: this.requestId, code: failure.code, error: failure.message });
    });
  }

  onFinish(listener: (outcome: FinishOutcome) => void): void {
    if (this.#finishListeners === undefined) this.#finishListeners = [];
    this.#finishListeners.push(listener);
  }

  /** Runs the finish listeners once; a failing listener is logged and does not stop the others. */
  finish(outcome: FinishOutcome): void {
    const listeners = this.#finishListeners;
    this.#finishListeners = undefined;
    for (const listener of listeners ?? []) {
      try {
        listener(outcome);
      } catch (error) {
        const failure = toGatewayError(error);
        this.log.error('finish listener failed', { requestId: this.requestId, code: failure.code, error: failure.message });
      }
    }
  }
}

/** The context as the gateway holds it: the public view plus the finish hook only the gateway calls. */
export type RequestContext = GatewayContext & { finish(outcome: FinishOutcome): void };

/** Creates a context; the class's `operation`/`request` pair is exactly one arm of the GatewayContext union. */
export function createRequestContext(init: RequestContextInit): RequestContext {
  return new GatewayRequestContext(init) as unknown as RequestContext;
}
