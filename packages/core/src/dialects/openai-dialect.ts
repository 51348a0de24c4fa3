import { type ErrorKind, type GatewayError, type StreamPart, toGatewayError } from '@switchyard/spec';
import type { Dialect, EncodedError, StreamEncodeOptions } from '../dialect.js';

const errorTypes: Record<ErrorKind, string> = {
  invalid_request: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  not_found: 'invalid_request_error',
  request_too_large: 'invalid_request_error',
  rate_limit: 'rate_limit_error',
  upstream: 'api_error',
  timeout: 'timeout_error',
  unavailable: 'service_unavailable_error',
  internal: 'api_error',
};

function errorBody(error: GatewayError): string {
  return JSON.stringify({
    error: {
      message: error.message,
      type: error.upstreamType ?? errorTypes[error.kind],
      param: error.param,
      code: error.code,
    },
  });
}

/** Whether a chunk is the usage-only chunk (`choices: []` + `usage`) that closes an OpenAI stream. */
function isUsageOnlyChunk(part: StreamPart): boolean {
  // Upstreams asked for usage put `"usage":null` on every chunk: look for the empty choices first.
  if (part.chunk.isOriginal && !part.chunk.textIncludes('"choices":[]')) return false;
  const value = part.chunk.value;
  return Array.isArray(value.choices) && value.choices.length === 0 && value.usage != null;
}

/** The OpenAI Chat Completions dialect: `{error:{message,type,param,code}}`, `data: …` frames, `[DONE]`. */
export const openAIDialect: Dialect = {
  name: 'openai',

  encodeError(error): EncodedError {
    const headers: Record<string, string> = { ...error.headers };
    // The official SDKs retry 408/409/429/5xx unless told otherwise.
    if (!error.retryable && error.status >= 408) headers['x-should-retry'] = 'false';
    return { status: error.status, headers, body: errorBody(error) };
  },

  encodeCompletion(result) {
    return result.body.text;
  },

  encodeEmbeddings(result) {
    return result.body.text;
  },

  encodeStream(parts, { includeUsage }: StreamEncodeOptions) {
    return new OpenAIStreamEncoder(parts, includeUsage);
  },
};

const Streaming = 0;
/** The error frame went out; the next read rethrows the error. */
const Failed = 1;
const Closed = 2;

const doneResult: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * `data: …` frames, then `data: [DONE]`; a failure becomes an in-band error frame and is then rethrown.
 * A hand-written iterator rather than an async generator: one promise continuation per frame instead of
 * a generator's several (streams are the hot path).
 */
class OpenAIStreamEncoder implements AsyncIterableIterator<string> {
  readonly #source: AsyncIterator<StreamPart>;
  readonly #includeUsage: boolean;
  #state: number = Streaming;
  #error: unknown;
  readonly #onResult = (result: IteratorResult<StreamPart>): IteratorResult<string> | Promise<IteratorResult<string>> => {
    if (this.#state !== Streaming) return doneResult;
    if (result.done) {
      this.#state = Closed;
      return { done: false, value: 'data: [DONE]\n\n' };
    }
    const part = result.value;
    try {
      if (!this.#includeUsage && isUsageOnlyChunk(part)) return this.next();
      return { done: false, value: `data: ${part.chunk.text}\n\n` };
    } catch (error) {
      // As when a generator's loop body throws: the source is closed, then the error frame goes out.
      this.#source.return?.().catch(() => {});
      return this.#fail(error);
    }
  };
  readonly #onError = (error: unknown): IteratorResult<string> => {
    if (this.#state !== Streaming) throw error;
    return this.#fail(error);
  };

  constructor(parts: AsyncIterable<StreamPart>, includeUsage: boolean) {
    this.#source = parts[Symbol.asyncIterator]();
    this.#includeUsage = includeUsage;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<string> {
    return this;
  }

  #fail(error: unknown): IteratorResult<string> {
    this.#state = Failed;
    this.#error = error;
    return { done: false, value: `data: ${errorBody(toGatewayError(error))}\n\n` };
  }

  next(): Promise<IteratorResult<string>> {
    if (this.#state === Streaming) return this.#source.next().then(this.#onResult, this.#onError);
    if (this.#state === Failed) {
      this.#state = Closed;
      const error = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    return Promise.resolve(doneResult);
  }

  async return(): Promise<IteratorResult<string>> {
    const streaming = this.#state === Streaming;
    this.#state = Closed;
    this.#error = undefined;
    if (streaming && this.#source.return) await this.#source.return();
    return doneResult;
  }
}
