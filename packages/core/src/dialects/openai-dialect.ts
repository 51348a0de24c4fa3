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

  async *encodeStream(parts, { includeUsage }: StreamEncodeOptions) {
    try {
      for await (const part of parts) {
        if (!includeUsage && isUsageOnlyChunk(part)) continue;
        yield `data: ${part.chunk.text}\n\n`;
      }
    } catch (error) {
      yield `data: ${errorBody(toGatewayError(error))}\n\n`;
      throw error;
    }
    yield 'data: [DONE]\n\n';
  },
};
