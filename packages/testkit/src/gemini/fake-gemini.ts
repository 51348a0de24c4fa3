/**
 * A fake Gemini API upstream (AI Studio, `v1beta`): a real `node:http` server on 127.0.0.1 that speaks
 * Gemini's wire format, records every request (including how the key was sent) and can be scripted with
 * responses and faults.
 */
import type { Exchange } from '../exchange.js';
import { type RoutedRequest, startFakeServer } from '../fake-server.js';
import type { RequestTarget } from '../incoming-request.js';
import { playScriptedResponse } from '../scripted-response.js';
import type { RecordedRequest } from '../types.js';
import {
  handleBatchEmbedContents,
  handleCountTokens,
  handleEmbedContent,
  handleGenerateContent,
  handleGetModel,
  handleListModels,
  handleStreamGenerateContent,
} from './gemini-default-handlers.js';
import { geminiWriters, sendGeminiError } from './gemini-exchange.js';
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

/** `models/{model}` or `models/{model}:{action}` under `/v1beta` (or `/v1`). */
const modelPath = /^\/v1(?:beta)?\/models\/([^/:]+)(?::([A-Za-z]+))?$/;
const modelListPath = /^\/v1(?:beta)?\/models$/;

function authSource(headers: Record<string, string>, query: Record<string, string>): GeminiAuthSource {
  if (headers['x-goog-api-key'] !== undefined) return 'header';
  if (query.key !== undefined) return 'query';
  return 'none';
}

function record(
  { method, path, headers, body, rawBody, receivedAt }: RecordedRequest,
  target: RequestTarget,
): GeminiRecordedRequest {
  const match = modelPath.exec(target.pathname);
  return {
    method,
    path,
    model: match?.[1] === undefined ? undefined : decodeURIComponent(match[1]),
    action: match?.[2],
    headers,
    query: target.query,
    auth: authSource(headers, target.query),
    body,
    rawBody,
    receivedAt,
  };
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

function notFound(exchange: Exchange, pathname: string): void {
  sendGeminiError(exchange, { status: 404, message: `The requested URL ${pathname} was not found on this server.` });
}

function route(exchange: Exchange, request: RoutedRequest<GeminiRecordedRequest>, models: string[]): void | Promise<void> {
  const { method, pathname, query, recorded, json } = request;
  if (modelListPath.test(pathname)) {
    if (method !== 'GET') return notFound(exchange, pathname);
    return handleListModels(exchange, models);
  }
  const { model, action } = recorded;
  if (model === undefined) return notFound(exchange, pathname);
  if (action === undefined) {
    if (method !== 'GET') return notFound(exchange, pathname);
    return handleGetModel(exchange, models, model);
  }
  if (method !== 'POST') return notFound(exchange, pathname);
  if (!json.valid) {
    return sendGeminiError(exchange, {
      status: 400,
      message: `Invalid JSON payload received. Unexpected token.\n${recorded.rawBody.slice(0, 40)}\n^`,
    });
  }
  switch (action) {
    case 'generateContent':
      return handleGenerateContent(exchange, model, json.value);
    case 'streamGenerateContent':
      return handleStreamGenerateContent(exchange, model, json.value, query);
    case 'embedContent':
      return handleEmbedContent(exchange, json.value);
    case 'batchEmbedContents':
      return handleBatchEmbedContents(exchange, model, json.value);
    case 'countTokens':
      return handleCountTokens(exchange, json.value);
    default:
      return notFound(exchange, pathname);
  }
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. Always `close()` it (e.g. in `afterAll`). */
export async function startFakeGemini({ apiKey, models = defaultFakeGeminiModels }: FakeGeminiOptions = {}): Promise<FakeGemini> {
  const modelIds = [...models];
  const { origin, server } = await startFakeServer({
    record,
    authorize: apiKey === undefined ? undefined : (exchange, recorded) => checkKey(exchange, apiKey, recorded),
    play: (exchange, scripted: GeminiScriptedResponse) => playScriptedResponse(exchange, scripted, geminiWriters),
    route: (exchange, request) => route(exchange, request, modelIds),
    sendError: sendGeminiError,
  });
  return Object.assign(server, { url: origin });
}
