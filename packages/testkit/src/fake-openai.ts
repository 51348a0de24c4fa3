/**
 * A fake OpenAI upstream: a real `node:http` server on 127.0.0.1 that speaks OpenAI's wire format,
 * records every request and can be scripted with responses and faults.
 */
import { handleChatCompletions, handleEmbeddings, handleModel, handleModels } from './default-handlers.js';
import type { Exchange } from './exchange.js';
import { handleModerations } from './fake-moderation.js';
import { type RoutedRequest, startFakeServer } from './fake-server.js';
import { openaiWriters, sendOpenAIError } from './openai-exchange.js';
import { playScriptedResponse } from './scripted-response.js';
import type { FakeOpenAI, FakeOpenAIOptions, RecordedRequest, ScriptedResponse } from './types.js';

export const defaultFakeModels: readonly string[] = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

const invalidJsonMessage =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

const postHandlers: Readonly<Record<string, (exchange: Exchange, body: unknown) => void | Promise<void>>> = {
  '/v1/chat/completions': handleChatCompletions,
  '/v1/embeddings': handleEmbeddings,
  '/v1/moderations': handleModerations,
};

function checkAuthorization(exchange: Exchange, apiKey: string): boolean {
  const authorization = exchange.request.headers.authorization;
  if (authorization === `Bearer ${apiKey}`) return true;
  const provided = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  sendOpenAIError(exchange, {
    status: 401,
    type: 'invalid_request_error',
    code: provided.length > 0 ? 'invalid_api_key' : null,
    message:
      provided.length > 0
        ? `Incorrect API key provided: ${provided.slice(0, 3)}***${provided.slice(-3)}.`
        : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
  });
  return false;
}

function methodNotAllowed(exchange: Exchange, method: string, pathname: string): void {
  sendOpenAIError(exchange, {
    status: 405,
    message: `Invalid method for URL (${method} ${pathname})`,
    type: 'invalid_request_error',
    headers: { allow: pathname === '/v1/models' ? 'GET' : 'POST' },
  });
}

function route(
  exchange: Exchange,
  { method, pathname, json }: RoutedRequest<RecordedRequest>,
  models: string[],
): void | Promise<void> {
  const postHandler = postHandlers[pathname];
  if (postHandler !== undefined) {
    if (method !== 'POST') return methodNotAllowed(exchange, method, pathname);
    if (!json.valid)
      return sendOpenAIError(exchange, { status: 400, message: invalidJsonMessage, type: 'invalid_request_error' });
    return postHandler(exchange, json.value);
  }
  if (pathname === '/v1/models') {
    if (method !== 'GET') return methodNotAllowed(exchange, method, pathname);
    return handleModels(exchange, models);
  }
  const modelMatch = /^\/v1\/models\/(.+)$/.exec(pathname);
  if (modelMatch?.[1] !== undefined && method === 'GET') {
    return handleModel(exchange, models, decodeURIComponent(modelMatch[1]));
  }
  sendOpenAIError(exchange, { status: 404, message: 'Unknown path', type: 'invalid_request_error', code: 'unknown_url' });
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. Always `close()` it (e.g. in `afterAll`). */
export async function startFakeOpenAI({ models = defaultFakeModels, apiKey }: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const modelIds = [...models];
  const { origin, server } = await startFakeServer({
    record: (recorded: RecordedRequest) => recorded,
    authorize: apiKey === undefined ? undefined : (exchange) => checkAuthorization(exchange, apiKey),
    play: (exchange, scripted: ScriptedResponse) => playScriptedResponse(exchange, scripted, openaiWriters),
    route: (exchange, request) => route(exchange, request, modelIds),
    sendError: sendOpenAIError,
  });
  return Object.assign(server, { url: `${origin}/v1`, origin });
}
