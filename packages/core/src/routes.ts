import {
  type ChatRequest,
  chatRequestSchema,
  type EmbeddingRequest,
  embeddingRequestSchema,
  invalidRequest,
  rememberIngressBody,
} from '@switchyard/spec';
import type { Dialect } from './dialect.js';
import { anthropicDialect, decodeAnthropicRequest } from './dialects/anthropic/index.js';
import { decodeGeminiRequest, geminiDialect } from './dialects/gemini/index.js';
import { openAIDialect } from './dialects/openai-dialect.js';
import type { ServiceHandler } from './service-handler.js';
import { parseWith } from './validation.js';

export type DecodedRequest = { operation: 'chat'; request: ChatRequest } | { operation: 'embeddings'; request: EmbeddingRequest };

interface RouteBase {
  readonly method: string;
  readonly dialect: Dialect;
}

/** A route that runs the pipeline: its body is decoded from the dialect into a canonical request. */
export interface PipelineRoute extends RouteBase {
  readonly kind: 'pipeline';
  decode(body: unknown, parameters: Readonly<Record<string, string>>, query: URLSearchParams): DecodedRequest;
}

/** A route the gateway answers itself. */
export interface ServiceRoute extends RouteBase {
  readonly kind: 'models' | 'health';
}

/** Counts a chat request's input tokens with the target provider's tokenizer (Anthropic `count_tokens`). */
export interface TokenCountRoute extends RouteBase {
  readonly kind: 'count_tokens';
  decode(body: unknown): ChatRequest;
}

/** A route answered by a plugin's handler (admin APIs, feedback, moderations). */
export interface HandlerRoute extends RouteBase {
  readonly kind: 'handler';
  readonly handler: ServiceHandler;
}

export type Route = PipelineRoute | ServiceRoute | TokenCountRoute | HandlerRoute;

export interface RouteMatch {
  route?: Route;
  /** Values captured from the path (e.g. the Gemini model name). */
  parameters: Record<string, string>;
  /** Methods the path accepts, when it exists but not for this method. */
  allowed?: string[];
  /** The dialect to answer in, even when no route matched (chosen by path prefix). */
  dialect: Dialect;
}

export interface PatternRoute {
  /** Matched against the path without its query; named groups become parameters. */
  pattern: RegExp;
  route: Route;
}

/**
 * The routes a dialect serves. Exact paths are looked up in a map (the common case costs one lookup);
 * patterns (paths with parameters) are tried in order after that.
 */
export class RouteTable {
  readonly #exact = new Map<string, Route[]>();
  readonly #patterns: PatternRoute[] = [];
  readonly #prefixDialects: Array<[string, Dialect]> = [];
  readonly #fallbackDialect: Dialect;

  constructor(fallbackDialect: Dialect) {
    this.#fallbackDialect = fallbackDialect;
  }

  add(path: string, route: Route): this {
    this.#exact.set(path, [...(this.#exact.get(path) ?? []), route]);
    return this;
  }

  addPattern(pattern: RegExp, route: Route): this {
    this.#patterns.push({ pattern, route });
    return this;
  }

  /** Errors for unknown paths under `prefix` are written in `dialect`. */
  dialectFor(prefix: string, dialect: Dialect): this {
    this.#prefixDialects.push([prefix, dialect]);
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const dialect = this.#prefixDialects.find(([prefix]) => path.startsWith(prefix))?.[1] ?? this.#fallbackDialect;
    const routes = this.#exact.get(path);
    if (routes) {
      const route = routes.find((candidate) => candidate.method === method);
      return route
        ? { route, parameters: {}, dialect: route.dialect }
        : { parameters: {}, allowed: routes.map((candidate) => candidate.method), dialect };
    }
    const allowed: string[] = [];
    for (const { pattern, route } of this.#patterns) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { route, parameters: { ...found.groups }, dialect: route.dialect };
    }
    return allowed.length > 0 ? { parameters: {}, allowed, dialect } : { parameters: {}, dialect };
  }
}

const openAIChat: PipelineRoute = {
  method: 'POST',
  kind: 'pipeline',
  dialect: openAIDialect,
  decode: (body) => ({ operation: 'chat', request: parseWith(chatRequestSchema, body) }),
};

const openAIEmbeddings: PipelineRoute = {
  method: 'POST',
  kind: 'pipeline',
  dialect: openAIDialect,
  decode: (body) => ({ operation: 'embeddings', request: parseWith(embeddingRequestSchema, body) }),
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const anthropicMessages: PipelineRoute = {
  method: 'POST',
  kind: 'pipeline',
  dialect: anthropicDialect,
  decode(body) {
    const request = decodeAnthropicRequest(body);
    // An Anthropic provider sends the client's own body when nothing replaced this request (see native-passthrough).
    rememberIngressBody(request, 'anthropic', body as Record<string, unknown>);
    return { operation: 'chat', request };
  },
};

/** Gemini's `models/{model}:generateContent` and `:streamGenerateContent` (SSE only: `?alt=sse`). */
const geminiGenerate: PipelineRoute = {
  method: 'POST',
  kind: 'pipeline',
  dialect: geminiDialect,
  decode(body, parameters, query) {
    const stream = parameters.action === 'streamGenerateContent';
    if (stream && query.get('alt') !== 'sse') {
      throw invalidRequest('Streaming is served as server-sent events only: add `?alt=sse` to the URL.', {
        code: 'unsupported_stream_format',
        param: 'alt',
      });
    }
    return {
      operation: 'chat',
      request: decodeGeminiRequest(body, { model: decodeURIComponent(parameters.model ?? ''), stream }),
    };
  },
};

/**
 * The default table: the OpenAI API (with and without the `/v1` prefix), Anthropic Messages
 * (`/v1/messages`, `/v1/messages/count_tokens`), Gemini (`/v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent`), and `/healthz`. Errors under each dialect's paths use that dialect's shape.
 */
export function createRouteTable(): RouteTable {
  const table = new RouteTable(openAIDialect);
  for (const prefix of ['/v1', '']) {
    table.add(`${prefix}/chat/completions`, openAIChat);
    table.add(`${prefix}/embeddings`, openAIEmbeddings);
    table.add(`${prefix}/models`, { method: 'GET', kind: 'models', dialect: openAIDialect });
  }
  table.add('/v1/messages', anthropicMessages);
  table.add('/v1/messages/count_tokens', {
    method: 'POST',
    kind: 'count_tokens',
    dialect: anthropicDialect,
    // count_tokens takes a Messages body without `max_tokens`.
    decode: (body) => decodeAnthropicRequest(isRecord(body) && body.max_tokens === undefined ? { ...body, max_tokens: 1 } : body),
  });
  table.dialectFor('/v1/messages', anthropicDialect);
  table.addPattern(/^\/v1(?:beta)?\/models\/(?<model>[^:]+):(?<action>generateContent|streamGenerateContent)$/, geminiGenerate);
  table.dialectFor('/v1beta/', geminiDialect);
  table.add('/healthz', { method: 'GET', kind: 'health', dialect: openAIDialect });
  return table;
}
