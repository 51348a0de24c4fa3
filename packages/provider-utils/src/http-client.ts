import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, type UpstreamMeta } from '@switchyard/spec';
import { type Dispatcher, Pool, errors as undiciErrors, util as undiciUtil } from 'undici';

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

/**
 * A response body: an async iterable of byte chunks (read once) that can also read itself to text in one
 * go. Leaving the iteration early (`break`, `return()`) aborts the upstream request.
 */
export interface UpstreamBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: UpstreamBody;
}

export interface HttpClient {
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

/** Bytes buffered ahead of the reader before the upstream socket is paused. */
const highWaterMark = 64 * 1024;

const doneResult: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * One upstream exchange as an undici dispatch handler (the legacy callback API, which undici's core calls
 * directly): the response resolves at the headers, the body is a small queue of chunks with backpressure
 * (the socket pauses while more than `highWaterMark` bytes wait for the reader). Cheaper than
 * `pool.request`, which wraps every body in a Node Readable stream.
 */
class UpstreamExchange implements UpstreamBody, AsyncIterator<Uint8Array> {
  readonly #signal: AbortSignal;
  readonly #providerId: string;
  #resolve: ((response: UpstreamResponse) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  #abort: ((error: Error) => void) | undefined;
  #resumeSocket: (() => void) | undefined;
  #listening = false;
  #chunks: Buffer[] = [];
  #head = 0;
  #queued = 0;
  #paused = false;
  #ended = false;
  #failed = false;
  #error: unknown;
  #waiting: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void } | undefined;

  constructor(
    signal: AbortSignal,
    providerId: string,
    resolve: (response: UpstreamResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#signal = signal;
    this.#providerId = providerId;
    this.#resolve = resolve;
    this.#reject = reject;
    if (!signal.aborted) {
      signal.addEventListener('abort', this, { once: true });
      this.#listening = true;
    }
  }

  /** The signal's abort listener (an object listener: no closure per request). */
  handleEvent(): void {
    this.#listening = false;
    const reason = this.#abortReason();
    if (this.#abort) this.#abort(reason);
    else this.#fail(reason);
  }

  #abortReason(): Error {
    const reason: unknown = this.#signal.reason;
    return reason instanceof Error ? reason : new undiciErrors.RequestAbortedError();
  }

  #unlisten(): void {
    if (this.#listening) {
      this.#listening = false;
      this.#signal.removeEventListener('abort', this);
    }
  }

  // --- undici dispatch handler ---

  onConnect(abort: (error?: Error) => void): void {
    if (this.#signal.aborted) {
      abort(this.#abortReason());
      return;
    }
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true;
    this.#resumeSocket = resume;
    const resolve = this.#resolve;
    this.#resolve = undefined;
    this.#reject = undefined;
    resolve?.({
      status: statusCode,
      headers: undiciUtil.parseHeaders(rawHeaders) as IncomingHttpHeaders,
      body: this,
    });
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#ended) return true;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.resolve({ done: false, value: chunk });
      return true;
    }
    this.#chunks.push(chunk);
    this.#queued += chunk.byteLength;
    if (this.#queued > highWaterMark) this.#paused = true;
    return !this.#paused;
  }

  onComplete(): void {
    this.#unlisten();
    if (this.#ended) return;
    this.#ended = true;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.resolve(doneResult);
    }
  }

  onError(error: Error): void {
    this.#fail(error);
  }

  #fail(error: unknown): void {
    this.#unlisten();
    const reject = this.#reject;
    if (reject) {
      this.#resolve = undefined;
      this.#reject = undefined;
      reject(transportError(error, this.#providerId, this.#signal));
      return;
    }
    if (this.#ended) return;
    this.#ended = true;
    this.#failed = true;
    this.#error = error;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting.reject(error);
    }
  }

  // --- body ---

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#head < this.#chunks.length) return Promise.resolve({ done: false, value: this.#shift() });
    if (this.#failed) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve(doneResult);
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  #shift(): Buffer {
    const chunk = this.#chunks[this.#head] as Buffer;
    this.#head++;
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    }
    this.#queued -= chunk.byteLength;
    if (this.#paused && this.#queued <= highWaterMark / 2) {
      this.#paused = false;
      this.#resumeSocket?.();
    }
    return chunk;
  }

  /** The reader stopped early: abort the exchange (the connection cannot be reused mid-body). */
  return(): Promise<IteratorResult<Uint8Array>> {
    this.#chunks = [];
    this.#head = 0;
    this.#queued = 0;
    if (!this.#ended) {
      this.#ended = true;
      this.#unlisten();
      this.#abort?.(new undiciErrors.RequestAbortedError());
    }
    return Promise.resolve(doneResult);
  }

  text(): Promise<string> {
    // Usually the whole (small) body arrived with the headers: no per-chunk promise then.
    if (this.#ended && !this.#failed) {
      const chunks = this.#chunks.slice(this.#head);
      this.#chunks = [];
      this.#head = 0;
      this.#queued = 0;
      return Promise.resolve(decodeChunks(chunks));
    }
    return this.#collect();
  }

  async #collect(): Promise<string> {
    const chunks: Buffer[] = [];
    while (true) {
      const next = await this.next();
      if (next.done) break;
      chunks.push(next.value as Buffer);
    }
    return decodeChunks(chunks);
  }
}

function decodeChunks(chunks: Buffer[]): string {
  if (chunks.length === 0) return '';
  if (chunks.length === 1) return (chunks[0] as Buffer).toString('utf8');
  return Buffer.concat(chunks).toString('utf8');
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
    request({ method, path, headers, body, signal }) {
      if (signal.aborted) return Promise.reject(signal.reason ?? new undiciErrors.RequestAbortedError());
      return new Promise<UpstreamResponse>((resolve, reject) => {
        const exchange = new UpstreamExchange(signal, providerId, resolve, reject);
        const options: Dispatcher.DispatchOptions = { method, path: basePath + path, headers, body };
        try {
          pool.dispatch(options, exchange as unknown as Dispatcher.DispatchHandler);
        } catch (error) {
          exchange.onError(error as Error);
        }
      });
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

/** Whether the upstream answered with a server-sent event stream. */
export function isEventStream(response: UpstreamResponse): boolean {
  const contentType = response.headers['content-type'];
  return typeof contentType === 'string' && contentType.includes('text/event-stream');
}

/** Status and the upstream's own request id (`x-request-id` by default; Anthropic uses `request-id`). */
export function upstreamMeta(response: UpstreamResponse, requestIdHeader = 'x-request-id'): UpstreamMeta {
  const requestId = response.headers[requestIdHeader];
  return { status: response.status, requestId: typeof requestId === 'string' ? requestId : undefined };
}
