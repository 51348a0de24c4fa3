/**
 * A fake Anthropic upstream: a real `node:http` server on 127.0.0.1 that speaks the Anthropic Messages
 * wire format (`event:`-framed streams, `{"type":"error",…}` bodies, `request-id` headers), records every
 * request and can be scripted with responses and faults.
 */
import type { Exchange } from '../exchange.js';
import { type RoutedRequest, startFakeServer } from '../fake-server.js';
import { playScriptedResponse } from '../scripted-response.js';
import type { RecordedRequest } from '../types.js';
import {
  handleAnthropicCountTokens,
  handleAnthropicMessages,
  handleAnthropicModel,
  handleAnthropicModels,
} from './anthropic-default-handlers.js';
import { anthropicWriters, sendAnthropicError } from './anthropic-exchange.js';
import type { AnthropicScriptedResponse, FakeAnthropic, FakeAnthropicOptions } from './types.js';

export const defaultFakeAnthropicModels: readonly string[] = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'];

/** Accepts `x-api-key: <key>` (what the SDK's `apiKey` sends) or `Authorization: Bearer <key>` (`authToken`). */
function checkAuthentication(exchange: Exchange, apiKey: string): boolean {
  const { headers } = exchange.request;
  if (headers['x-api-key'] === apiKey || headers.authorization === `Bearer ${apiKey}`) return true;
  const provided = headers['x-api-key'] ?? headers.authorization;
  sendAnthropicError(exchange, {
    status: 401,
    type: 'authentication_error',
    message: provided === undefined ? 'x-api-key header is required' : 'invalid x-api-key',
  });
  return false;
}

type PostHandler = (exchange: Exchange, body: unknown) => void | Promise<void>;

const postHandlers: Readonly<Record<string, PostHandler>> = {
  '/v1/messages': handleAnthropicMessages,
  '/v1/messages/count_tokens': handleAnthropicCountTokens,
};

function methodNotAllowed(exchange: Exchange, method: string, pathname: string, allow: string): void {
  sendAnthropicError(exchange, {
    status: 405,
    type: 'invalid_request_error',
    message: `Method ${method} not allowed for ${pathname}`,
    headers: { allow },
  });
}

function route(
  exchange: Exchange,
  { method, pathname, json }: RoutedRequest<RecordedRequest>,
  models: string[],
): void | Promise<void> {
  const postHandler = postHandlers[pathname];
  if (postHandler !== undefined) {
    if (method !== 'POST') return methodNotAllowed(exchange, method, pathname, 'POST');
    if (!json.valid) {
      return sendAnthropicError(exchange, { status: 400, message: 'There was an issue with your request body: invalid JSON' });
    }
    return postHandler(exchange, json.value);
  }
  if (pathname === '/v1/models') {
    if (method !== 'GET') return methodNotAllowed(exchange, method, pathname, 'GET');
    return handleAnthropicModels(exchange, models);
  }
  const modelMatch = /^\/v1\/models\/(.+)$/.exec(pathname);
  if (modelMatch?.[1] !== undefined && method === 'GET') {
    return handleAnthropicModel(exchange, models, decodeURIComponent(modelMatch[1]));
  }
  sendAnthropicError(exchange, { status: 404, message: 'Not Found' });
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. Always `close()` it (e.g. in `afterAll`). */
export async function startFakeAnthropic({
  models = defaultFakeAnthropicModels,
  apiKey,
}: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const modelIds = [...models];
  const { origin, server } = await startFakeServer({
    record: (recorded: RecordedRequest) => recorded,
    authorize: apiKey === undefined ? undefined : (exchange) => checkAuthentication(exchange, apiKey),
    play: (exchange, scripted: AnthropicScriptedResponse) => playScriptedResponse(exchange, scripted, anthropicWriters),
    route: (exchange, request) => route(exchange, request, modelIds),
    sendError: sendAnthropicError,
  });
  return Object.assign(server, { url: origin, origin });
}
