import {
  createHttpClient,
  type HttpClientOptions,
  invalidUpstreamResponse,
  isEventStream,
  parseSse,
  readText,
  transportError,
  type UpstreamResponse,
} from '@switchyard/provider-utils';
import {
  type ChatCall,
  type ChatCompletion,
  chunkPart,
  type EmbeddingCall,
  type EmbeddingResponse,
  isGatewayError,
  JsonPayload,
  type ProviderV1,
  type StreamPart,
} from '@switchyard/spec';
import { convertGeminiEmbeddings } from './convert-gemini-embeddings.js';
import { convertGeminiResponse } from './convert-gemini-response.js';
import { createGeminiStreamConverter } from './convert-gemini-stream.js';
import { convertToGeminiEmbeddingRequests, geminiModelResource } from './convert-to-gemini-embedding-requests.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';
import { geminiUpstreamError } from './gemini-upstream-error.js';
import type { GeminiBatchEmbedContentsResponse, GeminiGenerateContentResponse } from './gemini-wire-types.js';

export const geminiDefaultBaseURL = 'https://generativelanguage.googleapis.com';

/** The API version segment every path starts with. */
export const geminiApiVersion = 'v1beta';

/** A short list of current models, listed in `GET /v1/models` (any other id is still served). */
export const geminiDefaultModels: readonly string[] = Object.freeze([
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-3-pro-preview',
  'gemini-embedding-001',
]);

export interface GeminiProviderOptions {
  /** Defaults to `GEMINI_API_KEY`. Sent as the `x-goog-api-key` header, never in the URL. */
  apiKey?: string;
  /** The origin (plus any proxy path prefix) without the version: defaults to `GEMINI_BASE_URL`, then Google's. */
  baseURL?: string;
  /** The provider id used in model names (`gemini` in `gemini/gemini-2.5-flash`). */
  id?: string;
  models?: readonly string[];
  http?: Omit<HttpClientOptions, 'baseURL' | 'providerId'>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `/v1beta/models/<id>:<action>`, the id percent-encoded (a `tunedModels/…` resource is kept). */
function modelPath(model: string, action: string): string {
  const [collection, ...rest] = geminiModelResource(model).split('/');
  return `/${geminiApiVersion}/${collection}/${encodeURIComponent(rest.join('/'))}:${action}`;
}

/**
 * The Gemini API provider (AI Studio, `v1beta`): translates canonical (OpenAI-shaped) chat and
 * embeddings requests to `generateContent`, `streamGenerateContent?alt=sse` and `batchEmbedContents`, and
 * their answers back. See the README for the full field mapping.
 *
 * @throws Error at construction when there is no API key, the base URL is not an http(s) URL or the id is empty.
 */
export function createGeminiProvider({
  apiKey = process.env.GEMINI_API_KEY,
  baseURL = process.env.GEMINI_BASE_URL || geminiDefaultBaseURL,
  id = 'gemini',
  models = geminiDefaultModels,
  http = {},
}: GeminiProviderOptions = {}): ProviderV1 {
  if (!apiKey) {
    throw new Error('createGeminiProvider: no API key: pass `apiKey` or set GEMINI_API_KEY.');
  }
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new TypeError('createGeminiProvider: `baseURL` (or GEMINI_BASE_URL) is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('createGeminiProvider: `baseURL` (or GEMINI_BASE_URL) must be an http or https URL.');
  }
  if (url.search !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError('createGeminiProvider: `baseURL` must not carry a query or credentials; the key goes in `apiKey`.');
  }
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError('createGeminiProvider: `id` must be a non-empty string.');
  }

  const client = createHttpClient({ ...http, baseURL, providerId: id });
  const secrets = [apiKey];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-goog-api-key': apiKey };

  async function post(path: string, body: unknown, signal: AbortSignal): Promise<UpstreamResponse> {
    const response = await client.request({ method: 'POST', path, headers, body: JSON.stringify(body), signal });
    if (response.status >= 200 && response.status < 300) return response;
    const bodyText = await readText(response.body).catch(() => '');
    throw geminiUpstreamError({ providerId: id, status: response.status, headers: response.headers, bodyText, secrets });
  }

  async function readObject(response: UpstreamResponse, signal: AbortSignal): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readText(response.body);
    } catch (error) {
      throw isGatewayError(error) ? error : transportError(error, id, signal);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw invalidUpstreamResponse(id, 'the body is not valid JSON');
    }
    if (!isRecord(value)) throw invalidUpstreamResponse(id, 'the body is not a JSON object');
    return value;
  }

  /** A frame carrying `error` (Gemini reports failures after the 200 this way) becomes a GatewayError. */
  function inStreamError(frame: Record<string, unknown>, data: string) {
    const code = isRecord(frame.error) ? frame.error.code : undefined;
    const status = typeof code === 'number' && code >= 400 && code <= 599 ? code : 502;
    return geminiUpstreamError({ providerId: id, status, headers: {}, bodyText: data, secrets });
  }

  async function* streamParts(response: UpstreamResponse, model: string, signal: AbortSignal): AsyncGenerator<StreamPart> {
    const converter = createGeminiStreamConverter({ model, providerId: id });
    try {
      for await (const event of parseSse(response.body)) {
        let frame: unknown;
        try {
          frame = JSON.parse(event.data);
        } catch {
          throw invalidUpstreamResponse(id, 'a stream event is not valid JSON');
        }
        if (!isRecord(frame)) throw invalidUpstreamResponse(id, 'a stream event is not a JSON object');
        if (frame.error !== undefined) throw inStreamError(frame, event.data);
        for (const chunk of converter.push(frame as GeminiGenerateContentResponse)) {
          yield chunkPart(JsonPayload.fromValue(chunk));
        }
      }
    } catch (error) {
      throw isGatewayError(error) ? error : transportError(error, id, signal);
    }
    // No `[DONE]` in Gemini streams: the end of the body is the end. `finish` refuses a truncated one.
    for (const chunk of converter.finish()) yield chunkPart(JsonPayload.fromValue(chunk));
  }

  return {
    specificationVersion: 'v1',
    id,
    models,

    async chat({ model, request, signal }: ChatCall) {
      const body = convertToGeminiRequest(request);
      const response = await post(modelPath(model, 'generateContent'), body, signal);
      const value = (await readObject(response, signal)) as GeminiGenerateContentResponse;
      const completion = convertGeminiResponse({ response: value, model });
      return {
        body: JsonPayload.fromValue<ChatCompletion>(completion),
        upstream: { status: response.status, requestId: value.responseId },
      };
    },

    async streamChat({ model, request, signal }: ChatCall) {
      const body = convertToGeminiRequest(request);
      const response = await post(modelPath(model, 'streamGenerateContent?alt=sse'), body, signal);
      if (!isEventStream(response)) {
        const text = await readText(response.body).catch(() => '');
        throw text.includes('"error"')
          ? geminiUpstreamError({ providerId: id, status: 502, headers: {}, bodyText: text, secrets })
          : invalidUpstreamResponse(id, 'a streaming request was not answered with an event stream');
      }
      return { parts: streamParts(response, model, signal), upstream: { status: response.status } };
    },

    async embed({ model, request, signal }: EmbeddingCall) {
      const vectors: number[][] = [];
      let status = 200;
      for (const batch of convertToGeminiEmbeddingRequests(model, request)) {
        const response = await post(modelPath(model, 'batchEmbedContents'), batch, signal);
        status = response.status;
        const value = (await readObject(response, signal)) as GeminiBatchEmbedContentsResponse;
        const embeddings = Array.isArray(value.embeddings) ? value.embeddings : [];
        if (embeddings.length !== batch.requests.length) {
          throw invalidUpstreamResponse(id, 'the number of embeddings does not match the number of inputs');
        }
        for (const embedding of embeddings) {
          const values = embedding?.values;
          if (!Array.isArray(values) || !values.every((entry) => typeof entry === 'number')) {
            throw invalidUpstreamResponse(id, 'an embedding has no numeric values');
          }
          vectors.push(values);
        }
      }
      const body = convertGeminiEmbeddings({ vectors, model, encodingFormat: request.encoding_format });
      return { body: JsonPayload.fromValue<EmbeddingResponse>(body), upstream: { status } };
    },

    close: () => client.close(),
  };
}
