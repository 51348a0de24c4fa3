/**
 * The gateway's error hierarchy. Every failure that reaches a client is one of these; dialects turn it
 * into an HTTP body in exactly one place. Messages are written for clients: they never carry upstream
 * keys, upstream URLs or stack traces.
 */
export type ErrorKind =
  | 'invalid_request'
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'request_too_large'
  | 'rate_limit'
  | 'upstream'
  | 'timeout'
  | 'unavailable'
  | 'internal';

export interface GatewayErrorOptions {
  message: string;
  kind: ErrorKind;
  status: number;
  /** A stable machine-readable code, e.g. `model_not_found`, `invalid_json`, `context_length_exceeded`. */
  code?: string | null;
  /** The request field at fault, as the OpenAI dialect reports it (`messages[0].role`). */
  param?: string | null;
  /** Whether trying again (same or other upstream) can succeed. */
  retryable?: boolean;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
  /** The upstream's own error type, kept for clients of the same dialect. */
  upstreamType?: string;
  cause?: unknown;
}

const brand = Symbol.for('switchyard.gateway-error');

export class GatewayError extends Error {
  readonly [brand] = true;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly code: string | null;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly headers: Record<string, string>;
  readonly upstreamType: string | undefined;

  constructor(options: GatewayErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.kind = options.kind;
    this.status = options.status;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.headers = options.headers ?? {};
    this.upstreamType = options.upstreamType;
  }
}

type Details = Partial<Omit<GatewayErrorOptions, 'message' | 'kind' | 'status'>>;

export function invalidRequest(message: string, details: Details = {}): GatewayError {
  return new GatewayError({ message, kind: 'invalid_request', status: 400, ...details });
}

export function authenticationError(message: string, details: Details = {}): GatewayError {
  return new GatewayError({ message, kind: 'authentication', status: 401, ...details });
}

export function notFound(message: string, details: Details = {}): GatewayError {
  return new GatewayError({ message, kind: 'not_found', status: 404, ...details });
}

export function requestTooLarge(limitBytes: number): GatewayError {
  return new GatewayError({
    message: `Request body is larger than the gateway's limit of ${limitBytes} bytes.`,
    kind: 'request_too_large',
    status: 413,
    code: 'request_too_large',
  });
}

export function timeoutError(message: string, details: Details = {}): GatewayError {
  return new GatewayError({ message, kind: 'timeout', status: 504, retryable: true, ...details });
}

export function internalError(cause?: unknown): GatewayError {
  return new GatewayError({
    message: 'The gateway failed to process the request.',
    kind: 'internal',
    status: 500,
    code: 'internal_error',
    cause,
  });
}

/** Brand check rather than `instanceof`, so errors from another copy of this package still count. */
export function isGatewayError(value: unknown): value is GatewayError {
  return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true;
}

/** Wraps anything thrown into a GatewayError; unknown errors become a generic 500 (cause kept for logs). */
export function toGatewayError(value: unknown): GatewayError {
  return isGatewayError(value) ? value : internalError(value);
}
