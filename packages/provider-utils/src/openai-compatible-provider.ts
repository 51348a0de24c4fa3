import {
  type ChatCall,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatRequest,
  chunkPart,
  type EmbeddingCall,
  type EmbeddingResponse,
  GatewayError,
  isGatewayError,
  JsonPayload,
  type ModerationCall,
  type ModerationResponse,
  type ProviderV1,
  type StreamPart,
} from '@switchyard/spec';
import {
  createHttpClient,
  type HttpClientOptions,
  isEventStream,
  transportError,
  type UpstreamResponse,
  upstreamMeta,
} from './http-client.js';
import { readText } from './read-text.js';
import { createSseDecoder } from './sse-parse.js';
import { invalidUpstreamResponse, upstreamError } from './upstream-error.js';

/** How an OpenAI-compatible host departs from OpenAI's API, as data. */
export interface OpenAICompatibleQuirks {
  /** Request fields renamed before sending, e.g. `{ max_completion_tokens: 'max_tokens' }`. */
  renameParams?: Readonly<Record<string, string>>;
  /** Request fields the host rejects; removed before sending. */
  dropParams?: readonly string[];
  /** Whether the host honours `stream_options.include_usage` (default true). */
  streamUsage?: boolean;
}

export interface OpenAICompatibleProviderOptions {
  /** The provider id used in model names (`groq` in `groq/llama-3.3-70b-versatile`). */
  id: string;
  /** Base URL up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseURL: string;
  apiKey?: string;
  /** Extra headers sent upstream on every call (organisation, project, ...). */
  headers?: Readonly<Record<string, string>>;
  /** Models listed in `GET /v1/models`. */
  models?: readonly string[];
  quirks?: OpenAICompatibleQuirks;
  http?: Omit<HttpClientOptions, 'baseURL' | 'providerId'>;
  /** Query parameters added to every call, e.g. `{ 'api-version': '2024-10-21' }` for Azure OpenAI. */
  query?: Readonly<Record<string, string>>;
}

/**
 * A cheap structural check run on every stream event: a JSON object starts with `{` and ends with `}`.
 * It catches truncated fragments without parsing every chunk (chunks are parsed only when read); a
 * fragment is never forwarded as if it were a chunk.
 */
function looksLikeJsonObject(text: string): boolean {
  let start = 0;
  let end = text.length - 1;
  while (start <= end && text.charCodeAt(start) <= 32) start++;
  while (end >= start && text.charCodeAt(end) <= 32) end--;
  return text.charCodeAt(start) === 123 && text.charCodeAt(end) === 125;
}

/**
 * A provider for any host that speaks OpenAI's Chat Completions, Embeddings and Moderations API. Request bodies keep
 * every field the client sent (only `model` and the quirks are rewritten); responses and stream chunks are
 * handed on as the upstream's own text.
 */
export function createOpenAICompatibleProvider({
  id,
  baseURL,
  apiKey,
  headers = {},
  models = [],
  quirks = {},
  http = {},
  query,
}: OpenAICompatibleProviderOptions): ProviderV1 {
  const client = createHttpClient({ ...http, baseURL, providerId: id });
  const secrets = apiKey ? [apiKey] : [];
  const baseHeaders: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (apiKey) baseHeaders.authorization = `Bearer ${apiKey}`;
  const renames = Object.entries(quirks.renameParams ?? {});
  const drops = quirks.dropParams ?? [];
  const streamUsage = quirks.streamUsage ?? true;
  const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query).toString()}` : '';

  function chatBody(model: string, request: ChatRequest, stream: boolean): string {
    const body: Record<string, unknown> = { ...request, model };
    if (stream) {
      body.stream = true;
      if (streamUsage) body.stream_options = { ...request.stream_options, include_usage: true };
    } else {
      delete body.stream;
      delete body.stream_options;
    }
    for (const [from, to] of renames) {
      if (from in body) {
        if (!(to in body)) body[to] = body[from];
        delete body[from];
      }
    }
    for (const name of drops) delete body[name];
    return JSON.stringify(body);
  }

  async function post(path: string, body: string, signal: AbortSignal, requestId: string): Promise<UpstreamResponse> {
    const response = await client.request({
      method: 'POST',
      path: path + search,
      headers: { ...baseHeaders, 'x-request-id': requestId },
      body,
      signal,
    });
    if (response.status >= 200 && response.status < 300) return response;
    const bodyText = await readText(response.body).catch(() => '');
    throw upstreamError({ providerId: id, status: response.status, headers: response.headers, bodyText, secrets });
  }

  async function readJson<T>(response: UpstreamResponse, signal: AbortSignal): Promise<JsonPayload<T>> {
    let text: string;
    try {
      text = await readText(response.body, undefined, response.headers['content-length']);
    } catch (error) {
      throw transportError(error, id, signal);
    }
    const payload = JsonPayload.fromText<T>(text);
    try {
      if (typeof payload.value !== 'object' || payload.value === null) throw new SyntaxError('not an object');
    } catch {
      throw invalidUpstreamResponse(id, 'the body is not a JSON object');
    }
    return payload;
  }

  async function* streamParts(response: UpstreamResponse, signal: AbortSignal): AsyncGenerator<StreamPart> {
    let done = false;
    let finished = false;
    const decoder = createSseDecoder();
    try {
      read: for await (const bytes of response.body) {
        for (const event of decoder.feed(bytes)) {
          if (event.data === '[DONE]') {
            done = true;
            break read;
          }
          if (!looksLikeJsonObject(event.data)) {
            throw invalidUpstreamResponse(id, 'a stream event is not a JSON object');
          }
          const chunk = JsonPayload.fromText<ChatCompletionChunk>(event.data);
          if (event.event === 'error' || chunk.textIncludes('"error"')) {
            const inBand = inBandError(chunk, event.event === 'error');
            if (inBand) throw inBand;
          }
          if (!finished && chunk.textIncludes('"finish_reason":"')) finished = true;
          yield chunkPart(chunk);
        }
      }
    } catch (error) {
      throw isGatewayError(error) ? error : transportError(error, id, signal);
    }
    // Some hosts close the stream after the final chunk without `[DONE]`: complete once a finish reason
    // was seen. Ending before any finish reason is a truncation and must not look like success.
    if (!done && !finished) {
      throw new GatewayError({
        message: `The upstream provider "${id}" ended the stream before it was complete.`,
        kind: 'upstream',
        status: 502,
        code: 'upstream_stream_truncated',
        retryable: true,
      });
    }
  }

  function inBandError(chunk: JsonPayload<ChatCompletionChunk>, isErrorEvent: boolean): GatewayError | undefined {
    let value: unknown;
    try {
      value = chunk.value;
    } catch {
      return invalidUpstreamResponse(id, 'a stream event is not valid JSON');
    }
    const error = (value as { error?: unknown }).error;
    if (error === undefined && !isErrorEvent) return undefined;
    return upstreamError({
      providerId: id,
      status: 502,
      headers: {},
      bodyText: JSON.stringify({ error: error ?? value }),
      secrets,
    });
  }

  return {
    specificationVersion: 'v1',
    id,
    models,

    async chat({ model, request, signal, requestId }: ChatCall) {
      const response = await post('/chat/completions', chatBody(model, request, false), signal, requestId);
      return { body: await readJson<ChatCompletion>(response, signal), upstream: upstreamMeta(response) };
    },

    async streamChat({ model, request, signal, requestId }: ChatCall) {
      const response = await post('/chat/completions', chatBody(model, request, true), signal, requestId);
      if (!isEventStream(response)) {
        const text = await readText(response.body).catch(() => '');
        throw text.includes('"error"')
          ? upstreamError({ providerId: id, status: 502, headers: {}, bodyText: text, secrets })
          : invalidUpstreamResponse(id, 'a streaming request was not answered with an event stream');
      }
      return { parts: streamParts(response, signal), upstream: upstreamMeta(response) };
    },

    async embed({ model, request, signal, requestId }: EmbeddingCall) {
      const response = await post('/embeddings', JSON.stringify({ ...request, model }), signal, requestId);
      return { body: await readJson<EmbeddingResponse>(response, signal), upstream: upstreamMeta(response) };
    },

    async moderate({ model, request, signal, requestId }: ModerationCall) {
      const response = await post('/moderations', JSON.stringify({ ...request, model }), signal, requestId);
      return { body: await readJson<ModerationResponse>(response, signal), upstream: upstreamMeta(response) };
    },

    close: () => client.close(),
  };
}
