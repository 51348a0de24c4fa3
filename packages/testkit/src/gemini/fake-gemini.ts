/**
 * A fake Gemini API upstream (AI Studio, `v1beta`): a real `node:http` server on 127.0.0.1 that speaks
 * Gemini's wire format, records every request (including how the key was sent) and can be scripted with
 * responses and faults.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { destroyConnection, type Exchange } from '../exchange.js';
import {
  handleBatchEmbedContents,
  handleCountTokens,
  handleEmbedContent,
  handleGenerateContent,
  handleGetModel,
  handleListModels,
  handleStreamGenerateContent,
} from './gemini-default-handlers.js';
import { sendGeminiError } from './gemini-exchange.js';
import { playGeminiScriptedResponse } from './gemini-scripted-response.js';
import type {
  FakeGemini,
  FakeGeminiOptions,
  GeminiAuthSource,
  GeminiRecordedRequest,
  GeminiScriptedResponse,
} from './gemini-types.js';

export const defaultFakeGeminiModels: readonly string[] = [
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'gemini-3-pro-preview',
  'gemini-embedding-001',
];

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

interface ParsedPath {
  pathname: string;
  query: Record<string, string>;
  /** `models/{model}` or `models/{model}:{action}` under `/v1beta` (or `/v1`). */
  model: string | undefined;
  action: string | undefined;
  isModelList: boolean;
}

function parsePath(rawPath: string): ParsedPath {
  const url = new URL(rawPath, 'http://fake.invalid');
  const pathname = url.pathname.replace(/\/+$/, '');
  const query = Object.fromEntries(url.searchParams.entries());
  const match = /^\/v1(?:beta)?\/models\/([^/:]+)(?::([A-Za-z]+))?$/.exec(pathname);
  return {
    pathname,
    query,
    model: match?.[1] === undefined ? undefined : decodeURIComponent(match[1]),
    action: match?.[2],
    isModelList: /^\/v1(?:beta)?\/models$/.test(pathname),
  };
}

function authSource(headers: Record<string, string>, query: Record<string, string>): GeminiAuthSource {
  if (headers['x-goog-api-key'] !== undefined) return 'header';
  if (query.key !== undefined) return 'query';
  return 'none';
}

function checkKey(exchange: Exchange, apiKey: string, recorded: GeminiRecordedRequest): boolean {
  const provided = recorded.headers['x-goog-api-key'] ?? recorded.query.key;
  if (provided === apiKey) return true;
  if (provided === undefined || provided.length === 0) {
    sendGeminiError(exchange, {
      status: 403,
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    });
    return false;
  }
  sendGeminiError(exchange, {
    status: 400,
    message: 'API key not valid. Please pass a valid API key.',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ],
  });
  return false;
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. Always `close()` it (e.g. in `afterAll`). */
export async function startFakeGemini({ apiKey, models = defaultFakeGeminiModels }: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const modelIds = [...models];
  const sockets = new Set<Socket>();
  const inFlight = new Set<AbortController>();
  const queue: GeminiScriptedResponse[] = [];
  const requests: GeminiRecordedRequest[] = [];
  let aborts = 0;
  let requestCounter = 0;
  let generation = 0;
  let closing = false;

  async function route(exchange: Exchange, recorded: GeminiRecordedRequest, parsed: ParsedBody, path: ParsedPath): Promise<void> {
    const method = recorded.method;
    if (apiKey !== undefined && !checkKey(exchange, apiKey, recorded)) return;

    if (method === 'POST') {
      const scripted = queue.shift();
      if (scripted !== undefined) return playGeminiScriptedResponse(exchange, scripted);
    }

    if (path.isModelList) {
      if (method !== 'GET') return notFound(exchange, path.pathname);
      return handleListModels(exchange, modelIds);
    }
    const { model, action } = path;
    if (model === undefined) return notFound(exchange, path.pathname);
    if (action === undefined) {
      if (method !== 'GET') return notFound(exchange, path.pathname);
      return handleGetModel(exchange, modelIds, model);
    }
    if (method !== 'POST') return notFound(exchange, path.pathname);
    if (!parsed.valid) {
      return sendGeminiError(exchange, {
        status: 400,
        message: `Invalid JSON payload received. Unexpected token.\n${recorded.rawBody.slice(0, 40)}\n^`,
      });
    }
    switch (action) {
      case 'generateContent':
        return handleGenerateContent(exchange, model, parsed.value);
      case 'streamGenerateContent':
        return handleStreamGenerateContent(exchange, model, parsed.value, path.query);
      case 'embedContent':
        return handleEmbedContent(exchange, parsed.value);
      case 'batchEmbedContents':
        return handleBatchEmbedContents(exchange, model, parsed.value);
      case 'countTokens':
        return handleCountTokens(exchange, parsed.value);
      default:
        return notFound(exchange, path.pathname);
    }
  }

  function notFound(exchange: Exchange, pathname: string): void {
    sendGeminiError(exchange, { status: 404, message: `The requested URL ${pathname} was not found on this server.` });
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
      const path = parsePath(request.url ?? '/');
      const headers = lowercasedHeaders(request);
      const recorded: GeminiRecordedRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        model: path.model,
        action: path.action,
        headers,
        query: path.query,
        auth: authSource(headers, path.query),
        body: parsed.valid ? parsed.value : rawBody,
        rawBody,
        receivedAt,
      };
      requests.push(recorded);
      await route(exchange, recorded, parsed, path);
    } catch (error) {
      if (controller.signal.aborted) return;
      if (!response.headersSent) {
        const message = error instanceof Error ? error.message : String(error);
        sendGeminiError(exchange, { status: 500, message: `Fake upstream failure: ${message}` });
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
  let closed: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    get requests(): GeminiRecordedRequest[] {
      return requests;
    },
    get aborts(): number {
      return aborts;
    },
    lastRequest: () => requests.at(-1),
    script: (...responses: GeminiScriptedResponse[]) => {
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
