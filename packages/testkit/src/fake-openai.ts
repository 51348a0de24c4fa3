/**
 * A fake OpenAI upstream: a real `node:http` server on 127.0.0.1 that speaks OpenAI's wire format,
 * records every request and can be scripted with responses and faults.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleChatCompletions, handleEmbeddings, handleModel, handleModels } from './default-handlers.js';
import { destroyConnection, type Exchange, sendOpenAIError } from './exchange.js';
import { playScriptedResponse } from './scripted-response.js';
import type { FakeOpenAI, FakeOpenAIOptions, RecordedRequest, ScriptedResponse } from './types.js';

export const defaultFakeModels: readonly string[] = ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'];

const invalidJsonMessage =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

function readBody(request: IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
    signal.addEventListener('abort', () => reject(new Error('The client went away before sending its body.')), {
      once: true,
    });
  });
}

function lowercasedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

type ParsedBody = { valid: true; value: unknown } | { valid: false };

function parseJson(rawBody: string): ParsedBody {
  try {
    return { valid: true, value: JSON.parse(rawBody) };
  } catch {
    return { valid: false };
  }
}

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

/** Starts the fake on 127.0.0.1 with an ephemeral port. Always `close()` it (e.g. in `afterAll`). */
export async function startFakeOpenAI({ models = defaultFakeModels, apiKey }: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const modelIds = [...models];
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const queue: ScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  let aborts = 0;
  let requestCounter = 0;
  let generation = 0;
  let closing = false;

  async function route(exchange: Exchange, rawBody: string, parsed: ParsedBody): Promise<void> {
    const method = exchange.request.method ?? 'GET';
    const pathname = new URL(exchange.request.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
    if (apiKey !== undefined && !checkAuthorization(exchange, apiKey)) return;

    if (method === 'POST') {
      const scripted = queue.shift();
      if (scripted !== undefined) return playScriptedResponse(exchange, scripted);
    }

    const postHandlers: Record<string, (exchange: Exchange, body: unknown) => void | Promise<void>> = {
      '/v1/chat/completions': handleChatCompletions,
      '/v1/embeddings': handleEmbeddings,
    };
    const postHandler = postHandlers[pathname];
    if (postHandler !== undefined) {
      if (method !== 'POST') return methodNotAllowed(exchange, method, pathname);
      if (!parsed.valid || rawBody.trim().length === 0) {
        return sendOpenAIError(exchange, { status: 400, message: invalidJsonMessage, type: 'invalid_request_error' });
      }
      return postHandler(exchange, parsed.value);
    }
    if (pathname === '/v1/models') {
      if (method !== 'GET') return methodNotAllowed(exchange, method, pathname);
      return handleModels(exchange, modelIds);
    }
    const modelMatch = /^\/v1\/models\/(.+)$/.exec(pathname);
    if (modelMatch?.[1] !== undefined && method === 'GET') {
      return handleModel(exchange, modelIds, decodeURIComponent(modelMatch[1]));
    }
    sendOpenAIError(exchange, { status: 404, message: 'Unknown path', type: 'invalid_request_error', code: 'unknown_url' });
  }

  function methodNotAllowed(exchange: Exchange, method: string, pathname: string): void {
    sendOpenAIError(exchange, {
      status: 405,
      message: `Invalid method for URL (${method} ${pathname})`,
      type: 'invalid_request_error',
      headers: { allow: pathname === '/v1/models' ? 'GET' : 'POST' },
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    requestCounter += 1;
    const requestGeneration = generation;
    const controller = new AbortController();
    inFlight.add(controller);
    const exchange: Exchange = {
      request,
      response,
      signal: controller.signal,
      requestNumber: requestCounter,
      startedAt: receivedAt,
      destroyedByServer: false,
    };
    response.once('close', () => {
      inFlight.delete(controller);
      const clientLeft = !response.writableFinished && !exchange.destroyedByServer && !closing;
      if (clientLeft && requestGeneration === generation) aborts += 1;
      controller.abort();
    });

    try {
      const rawBody = await readBody(request, controller.signal);
      const parsed = parseJson(rawBody);
      requests.push({
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: lowercasedHeaders(request),
        body: parsed.valid ? parsed.value : rawBody,
        rawBody,
        receivedAt,
      });
      await route(exchange, rawBody, parsed);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (!response.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        sendOpenAIError(exchange, { status: 500, message: `Fake upstream failure: ${message}` });
      } else if (!response.writableEnded) {
        destroyConnection(exchange);
      }
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  // Longer than common client idle timeouts (undici: 4 s), so a reused socket is never closed under a client.
  server.keepAliveTimeout = 10_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    url: `${origin}/v1`,
    origin,
    get requests(): RecordedRequest[] {
      return requests;
    },
    get aborts(): number {
      return aborts;
    },
    lastRequest: () => requests.at(-1),
    script: (...responses: ScriptedResponse[]) => {
      queue.push(...responses);
    },
    openConnections: () => sockets.size,
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      aborts = 0;
      requestCounter = 0;
      generation += 1;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const controller of inFlight) controller.abort();
        inFlight.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}
