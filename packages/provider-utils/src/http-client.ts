import { GatewayError } from '@switchyard/spec';
import { type Dispatcher, Pool, errors as undiciErrors } from 'undici';

export interface HttpClientOptions {
  /** Base URL including any path prefix, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  /** Name used in error messages (never the URL, which may carry credentials). */
  providerId: string;
  /** Keep-alive connections per origin. */
  connections?: number;
  /** Milliseconds to establish a connection. */
  connectTimeoutMs?: number;
  /** Milliseconds until the upstream's response headers arrive. */
  headersTimeoutMs?: number;
  /** Milliseconds of silence allowed between body chunks. */
  bodyTimeoutMs?: number;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path relative to the base URL, e.g. `/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface HttpClient {
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/**
 * One keep-alive undici pool for the upstream's origin. Transport failures become GatewayErrors that
 * name the provider, never the URL.
 */
export function createHttpClient({
  baseURL,
  providerId,
  connections = 128,
  connectTimeoutMs = 10_000,
  headersTimeoutMs = 300_000,
  bodyTimeoutMs = 300_000,
}: HttpClientOptions): HttpClient {
  const url = new URL(baseURL);
  const basePath = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    connect: { timeout: connectTimeoutMs },
    headersTimeout: headersTimeoutMs,
    bodyTimeout: bodyTimeoutMs,
  });

  return {
    async request({ method, path, headers, body, signal }) {
      try {
        const response = await pool.request({ method, path: basePath + path, headers, body, signal });
        return { status: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        throw transportError(error, providerId, signal);
      }
    },
    close: () => pool.close(),
  };
}

/** Maps an undici/socket failure to a GatewayError. An abort is rethrown as is: nobody is waiting. */
export function transportError(error: unknown, providerId: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError({
      message: `The upstream provider "${providerId}" did not answer in time.`,
      kind: 'timeout',
      status: 504,
      code: 'upstream_timeout',
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError({
      message: `Connecting to the upstream provider "${providerId}" timed out.`,
      kind: 'timeout',
      status: 504,
      code: 'upstream_connect_timeout',
      retryable: true,
      cause: error,
    });
  }
  return new GatewayError({
    message: `The connection to the upstream provider "${providerId}" failed.`,
    kind: 'upstream',
    status: 502,
    code: 'upstream_connection_error',
    retryable: true,
    cause: error,
  });
}
