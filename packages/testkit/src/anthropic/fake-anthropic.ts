/**
 * A fake Anthropic upstream: a real `node:http` server on 127.0.0.1 that speaks the Anthropic Messages
 * wire format (`event:`-framed streams, `{"type":"error",…}` bodies, `request-id` headers), records every
 * request and can be scripted with responses and faults.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { destroyConnection, type Exchange } from '../exchange.js';
import type { RecordedRequest } from '../types.js';
import {
  handleAnthropicCountTokens,
  handleAnthropicMessages,
  handleAnthropicModel,
  handleAnthropicModels,
} from './anthropic-default-handlers.js';
import { sendAnthropicError } from './anthropic-exchange.js';
import { playAnthropicScriptedResponse } from './play-anthropic-scripted-response.js';
import type { AnthropicScriptedResponse, FakeAnthropic, FakeAnthropicOptions } from './types.js';

export const defaultFakeAnthropicModels: readonly string[] = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'];

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

/** Starts the fake on 127.0.0.1 with an ephemeral port. Always `close()` it (e.g. in `afterAll`). */
export async function startFakeAnthropic({
  models = defaultFakeAnthropicModels,
  apiKey,
}: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const modelIds = [...models];
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const queue: AnthropicScriptedResponse[] = [];
  const requests: RecordedRequest[] = [];
  let aborts = 0;
  let requestCounter = 0;
  let generation = 0;
  let closing = false;

  async function route(exchange: Exchange, rawBody: string, parsed: ParsedBody): Promise<void> {
    const method = exchange.request.method ?? 'GET';
    const pathname = new URL(exchange.request.url ?? '/', 'http://fake.invalid').pathname.replace(/\/+$/, '');
    if (apiKey !== undefined && !checkAuthentication(exchange, apiKey)) return;

    if (method === 'POST') {
      const scripted = queue.shift();
      if (scripted !== undefined) return playAnthropicScriptedResponse(exchange, scripted);
    }

    const postHandler = postHandlers[pathname];
    if (postHandler !== undefined) {
      if (method !== 'POST') return methodNotAllowed(exchange, method, pathname, 'POST');
      if (!parsed.valid || rawBody.trim().length === 0) {
        return sendAnthropicError(exchange, { status: 400, message: 'There was an issue with your request body: invalid JSON' });
      }
      return postHandler(exchange, parsed.value);
    }
    if (pathname === '/v1/models') {
      if (method !== 'GET') return methodNotAllowed(exchange, method, pathname, 'GET');
      return handleAnthropicModels(exchange, modelIds);
    }
    const modelMatch = /^\/v1\/models\/(.+)$/.exec(pathname);
    if (modelMatch?.[1] !== undefined && method === 'GET') {
      return handleAnthropicModel(exchange, modelIds, decodeURIComponent(modelMatch[1]));
    }
    sendAnthropicError(exchange, { status: 404, message: 'Not Found' });
  }

  function methodNotAllowed(exchange: Exchange, method: string, pathname: string, allow: string): void {
    sendAnthropicError(exchange, {
      status: 405,
      type: 'invalid_request_error',
      message: `Method ${method} not allowed for ${pathname}`,
      headers: { allow },
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
        sendAnthropicError(exchange, { status: 500, message: `Fake upstream failure: ${message}` });
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
    url: origin,
    origin,
    get requests(): RecordedRequest[] {
      return requests;
    },
    get aborts(): number {
      return aborts;
    },
    lastRequest: () => requests.at(-1),
    script: (...responses: AnthropicScriptedResponse[]) => {
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
