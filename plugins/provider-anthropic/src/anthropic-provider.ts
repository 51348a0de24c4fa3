import {
  createHttpClient,
  type HttpClientOptions,
  invalidUpstreamResponse,
  isEventStream,
  parseSse,
  readText,
  transportError,
  type UpstreamResponse,
  upstreamMeta,
} from '@switchyard/provider-utils';
import {
  type ChatCall,
  type ChatCompletion,
  chunkPart,
  GatewayError,
  ingressBodyOf,
  isGatewayError,
  JsonPayload,
  markNativeBody,
  markNativeFrames,
  markNativeStream,
  type NativeStream,
  type ProviderV1,
  type StreamPart,
} from '@switchyard/spec';
import { anthropicStreamError, anthropicUpstreamError } from './anthropic-upstream-error.js';
import type { AnthropicStreamEvent } from './anthropic-wire-types.js';
import { convertFromAnthropicMessage, isAnthropicMessage } from './convert-from-anthropic-message.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { createAnthropicStreamConverter } from './create-anthropic-stream-converter.js';

export const anthropicDefaultBaseURL = 'https://api.anthropic.com';
export const anthropicDefaultVersion = '2023-06-01';

/** A short list of current Claude models, listed in `GET /v1/models` (any other id is still served). */
export const anthropicDefaultModels: readonly string[] = Object.freeze([
  'claude-opus-4-6',
  'claude-sonnet-4-6',
  'claude-opus-4-5',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
]);

export interface AnthropicProviderOptions {
  /** Defaults to `ANTHROPIC_API_KEY`; sent as `x-api-key`. */
  apiKey?: string;
  /** Defaults to `ANTHROPIC_BASE_URL`, then `https://api.anthropic.com`. Without `/v1` (the provider adds it). */
  baseURL?: string;
  /** The provider id used in model names (`anthropic` in `anthropic/claude-sonnet-4-5`). */
  id?: string;
  models?: readonly string[];
  /** `max_tokens` (required by Anthropic) when the client sets neither `max_completion_tokens` nor `max_tokens`. */
  defaultMaxTokens?: number;
  /** Sent as `anthropic-version`. */
  anthropicVersion?: string;
  http?: Omit<HttpClientOptions, 'baseURL' | 'providerId'>;
}

/** Checks every option once, at construction; returns the API key. */
function validateOptions({
  apiKey,
  baseURL,
  id,
  defaultMaxTokens,
  anthropicVersion,
}: Required<Pick<AnthropicProviderOptions, 'baseURL' | 'id' | 'defaultMaxTokens' | 'anthropicVersion'>> & {
  apiKey: string | undefined;
}): string {
  if (!apiKey) throw new Error('createAnthropicProvider: no API key: pass `apiKey` or set ANTHROPIC_API_KEY.');
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new TypeError('createAnthropicProvider: `baseURL` (or ANTHROPIC_BASE_URL) is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('createAnthropicProvider: `baseURL` (or ANTHROPIC_BASE_URL) must be an http or https URL.');
  }
  if (/\/v1\/?$/.test(url.pathname)) {
    throw new TypeError(
      'createAnthropicProvider: `baseURL` must not end in /v1 (Anthropic base URLs have none; /v1/messages is added).',
    );
  }
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('createAnthropicProvider: `id` must be a non-empty string.');
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
    throw new TypeError('createAnthropicProvider: `defaultMaxTokens` must be a positive integer.');
  }
  if (typeof anthropicVersion !== 'string' || anthropicVersion.length === 0) {
    throw new TypeError('createAnthropicProvider: `anthropicVersion` must be a non-empty string.');
  }
  return apiKey;
}

/** One SSE frame as Anthropic writes it (multi-line data kept line by line). */
function frameOf(event: string | undefined, data: string): string {
  const lines = data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n');
  return event ? `event: ${event}\n${lines}\n\n` : `${lines}\n\n`;
}

/**
 * The Anthropic provider: canonical (OpenAI Chat Completions) requests are translated into Anthropic
 * Messages calls and the answers (streamed or not) back into canonical completions and chunks.
 *
 * @throws Error at construction when there is no API key or an option is invalid.
 */
export function createAnthropicProvider({
  apiKey = process.env.ANTHROPIC_API_KEY,
  baseURL = process.env.ANTHROPIC_BASE_URL || anthropicDefaultBaseURL,
  id = 'anthropic',
  models = anthropicDefaultModels,
  defaultMaxTokens = 4096,
  anthropicVersion = anthropicDefaultVersion,
  http = {},
}: AnthropicProviderOptions = {}): ProviderV1 {
  const key = validateOptions({ apiKey, baseURL, id, defaultMaxTokens, anthropicVersion });
  const client = createHttpClient({ ...http, baseURL, providerId: id });
  const secrets = [key];
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-api-key': key,
    'anthropic-version': anthropicVersion,
  };

  /**
   * The body to send: the client's own Anthropic body (model replaced) when the request came in through
   * the Anthropic dialect and nothing replaced it since, else the translation of the canonical request.
   */
  function messagesBody(call: ChatCall, stream: boolean): unknown {
    const original = ingressBodyOf(call.request, 'anthropic');
    if (!original) return convertToAnthropicRequest({ model: call.model, request: call.request, defaultMaxTokens, stream });
    const body: Record<string, unknown> = { ...original, model: call.model };
    if (stream) body.stream = true;
    else if (body.stream !== undefined) body.stream = false;
    return body;
  }

  async function postMessages(call: ChatCall, stream: boolean): Promise<UpstreamResponse> {
    const body = messagesBody(call, stream);
    const response = await client.request({
      method: 'POST',
      path: '/v1/messages',
      headers: stream ? { ...headers, accept: 'text/event-stream' } : headers,
      body: JSON.stringify(body),
      signal: call.signal,
    });
    if (response.status >= 200 && response.status < 300) return response;
    const bodyText = await readText(response.body).catch(() => '');
    throw anthropicUpstreamError({ providerId: id, status: response.status, headers: response.headers, bodyText, secrets });
  }

  function parseEvent(data: string): AnthropicStreamEvent {
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      throw invalidUpstreamResponse(id, 'a stream event is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      throw invalidUpstreamResponse(id, 'a stream event has no type');
    }
    return value as AnthropicStreamEvent;
  }

  async function* streamParts(response: UpstreamResponse, call: ChatCall, native?: NativeStream): AsyncGenerator<StreamPart> {
    const converter = createAnthropicStreamConverter({ created: Math.floor(Date.now() / 1000), model: call.model });
    // With a native stream, the upstream's frames ride along with the parts they produced.
    let frames = '';
    try {
      for await (const sse of parseSse(response.body)) {
        const event = parseEvent(sse.data);
        if (sse.event === 'error' || event.type === 'error') throw anthropicStreamError({ providerId: id, data: event, secrets });
        if (native) frames += frameOf(sse.event, sse.data);
        for (const chunk of converter.push(event)) {
          const part = chunkPart(JsonPayload.fromValue(chunk));
          if (native) {
            markNativeFrames(part, frames);
            frames = '';
          }
          yield part;
        }
        if (converter.completed) break;
      }
      if (native) native.tail = frames;
    } catch (error) {
      throw isGatewayError(error) ? error : transportError(error, id, call.signal);
    }
    if (!converter.completed) {
      throw new GatewayError({
        message: `The upstream provider "${id}" ended the stream before it was complete.`,
        kind: 'upstream',
        status: 502,
        code: 'upstream_stream_truncated',
        retryable: true,
      });
    }
  }

  return {
    specificationVersion: 'v1',
    id,
    models,

    async chat(call: ChatCall) {
      const response = await postMessages(call, false);
      let text: string;
      try {
        text = await readText(response.body);
      } catch (error) {
        throw isGatewayError(error) ? error : transportError(error, id, call.signal);
      }
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        throw invalidUpstreamResponse(id, 'the body is not valid JSON');
      }
      if (!isAnthropicMessage(message)) throw invalidUpstreamResponse(id, 'the body is not an Anthropic message');
      const completion = convertFromAnthropicMessage({ message, created: Math.floor(Date.now() / 1000) });
      const body = JsonPayload.fromValue<ChatCompletion>(completion);
      if (ingressBodyOf(call.request, 'anthropic')) markNativeBody(body, 'anthropic', text);
      return { body, upstream: upstreamMeta(response, 'request-id') };
    },

    async streamChat(call: ChatCall) {
      const response = await postMessages(call, true);
      if (!isEventStream(response)) {
        const text = await readText(response.body).catch(() => '');
        throw text.includes('"error"')
          ? anthropicUpstreamError({ providerId: id, status: 502, headers: {}, bodyText: text, secrets })
          : invalidUpstreamResponse(id, 'a streaming request was not answered with an event stream');
      }
      const native: NativeStream | undefined = ingressBodyOf(call.request, 'anthropic')
        ? { dialect: 'anthropic', tail: '' }
        : undefined;
      const parts = streamParts(response, call, native);
      if (native) markNativeStream(parts, native);
      return { parts, upstream: upstreamMeta(response, 'request-id') };
    },

    async countTokens(call: ChatCall) {
      const { model, messages, system, tools, tool_choice, thinking } = convertToAnthropicRequest({
        model: call.model,
        request: call.request,
        defaultMaxTokens,
        stream: false,
      }) as unknown as Record<string, unknown>;
      const response = await client.request({
        method: 'POST',
        path: '/v1/messages/count_tokens',
        headers,
        body: JSON.stringify({ model, messages, system, tools, tool_choice, thinking }),
        signal: call.signal,
      });
      const text = await readText(response.body).catch(() => '');
      if (response.status < 200 || response.status >= 300) {
        throw anthropicUpstreamError({
          providerId: id,
          status: response.status,
          headers: response.headers,
          bodyText: text,
          secrets,
        });
      }
      let inputTokens: unknown;
      try {
        inputTokens = (JSON.parse(text) as { input_tokens?: unknown }).input_tokens;
      } catch {
        throw invalidUpstreamResponse(id, 'the token count is not valid JSON');
      }
      if (typeof inputTokens !== 'number') throw invalidUpstreamResponse(id, 'the token count has no input_tokens');
      return { inputTokens, upstream: upstreamMeta(response, 'request-id') };
    },

    close: () => client.close(),
  };
}
