import type { Logger } from './logger.js';
import type { ModelRegistry } from './model-registry.js';

/**
 * An HTTP endpoint a plugin adds beside the model routes: an admin API, `/v1/feedback`, `/v1/moderations`.
 * Handlers see the gateway's own request shape, never a framework object, so they work under every adapter.
 * A thrown `GatewayError` becomes an error response in the dialect of the path (OpenAI's by default).
 */
export interface ServiceHandler {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An exact path (`/admin/keys`) or a pattern whose named groups become `parameters` (`/^\/admin\/keys\/(?<id>[^/]+)$/`). */
  readonly path: string | RegExp;
  handle(request: ServiceRequest): Promise<ServiceResponse> | ServiceResponse;
}

export interface ServiceRequest {
  readonly requestId: string;
  readonly method: string;
  /** The path without its query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Named groups captured by a pattern path. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly ip: string | undefined;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** The gateway's providers and aliases, to resolve a `model` the way chat requests do. */
  readonly registry: ModelRegistry;
  /** The JSON body; throws a 400 `invalid_json` / `missing_body` error (or 413) when there is none to read. */
  json(): unknown;
}

export interface ServiceResponse {
  /** Defaults to 200. */
  status?: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string, which is sent as is (set `content-type` for non-JSON). */
  body?: unknown;
}
