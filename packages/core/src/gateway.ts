import {
  type ChatRequest,
  GatewayError,
  invalidRequest,
  notFound,
  type ProviderV1,
  readUsage,
  requestTooLarge,
  toGatewayError,
} from '@switchyard/spec';
import type { FinishOutcome, GatewayResult } from './context.js';
import type { Dialect } from './dialect.js';
import { openAIDialect } from './dialects/openai-dialect.js';
import { composeDispatch, type DispatchInterceptor, providerDispatch } from './dispatch.js';
import { toFetchResponse, toInbound } from './fetch-bridge.js';
import type { Inbound, Outbound } from './http-types.js';
import { createJsonLogger, type Logger } from './logger.js';
import { composeMiddleware, type Middleware } from './middleware.js';
import { createModelRegistry, type ModelAlias, type ModelRegistry } from './model-registry.js';
import { createRequestContext, type RequestContext } from './request-context.js';
import { requestIdFor } from './request-id.js';
import {
  createRouteTable,
  type DecodedRequest,
  type HandlerRoute,
  type PipelineRoute,
  type RouteTable,
  type TokenCountRoute,
} from './routes.js';
import type { ServiceHandler } from './service-handler.js';
import { observeStreamUsage } from './stream-usage.js';
import { tapAsyncIterable } from './tap-async-iterable.js';

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface GatewayOptions {
  providers: readonly ProviderV1[];
  /** Model aliases shown in `/v1/models`: `{ fast: { targets: [{ model: 'openai/gpt-4o-mini' }] } }`. */
  models?: Readonly<Record<string, ModelAlias>>;
  /** Onion layers, outermost first. */
  middleware?: readonly Middleware[];
  /** Dispatch wrappers (retry, fallback, breaker, timeout), outermost first. */
  interceptors?: readonly DispatchInterceptor[];
  /** Extra HTTP endpoints (admin APIs and the like); middleware may bring their own through `handlers` too. */
  handlers?: readonly ServiceHandler[];
  /** Largest request body accepted, in bytes (413 above it). */
  maxBodyBytes?: number;
  logger?: Logger;
}

export interface Gateway {
  /** Serves one request in the gateway's own HTTP shape (what adapters use). */
  handle(inbound: Inbound): Promise<Outbound>;
  /** Serves a WHATWG Request: for tests, edge-style hosts and programmatic use without a server. */
  fetch(request: Request): Promise<Response>;
  readonly registry: ModelRegistry;
  readonly maxBodyBytes: number;
  /** Releases providers' connection pools. */
  close(): Promise<void>;
}

const jsonHeaders = { 'content-type': 'application/json' };
const streamHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
};

export function createGateway({
  providers,
  models = {},
  middleware = [],
  interceptors = [],
  handlers = [],
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
  logger = createJsonLogger(),
}: GatewayOptions): Gateway {
  const registry = createModelRegistry(providers, models);
  const dispatch = composeDispatch(interceptors, providerDispatch);
  const createdAt = Math.floor(Date.now() / 1000);
  const middlewareModels = middleware.flatMap((layer) => layer.models ?? []);
  const routes = createRouteTable();
  for (const handler of [...handlers, ...middleware.flatMap((layer) => layer.handlers ?? [])]) addHandler(routes, handler);
  const logInfo = logger.isEnabled?.('info') ?? true;

  const pipeline = composeMiddleware(middleware, async (context) => {
    if (context.result) return;
    context.route ??= registry.resolve(context.request.model);
    const target = context.route.targets[0];
    if (!target) throw notFound(`No target serves "${context.route.requested}".`, { code: 'model_not_found' });
    const result = await dispatch({ context, target, signal: context.signal });
    context.result = result.type === 'stream' ? { ...result, parts: observeStreamUsage(result.parts, context) } : result;
    if (result.type !== 'stream') context.usage = readUsage(result.body.value.usage);
  });

  async function handle(inbound: Inbound): Promise<Outbound> {
    const startedAt = performance.now();
    const requestId = requestIdFor(inbound.headers['x-request-id']);
    const queryAt = inbound.path.indexOf('?');
    const path = queryAt === -1 ? inbound.path : inbound.path.slice(0, queryAt);
    const match = routes.match(inbound.method, path);
    const route = match.route;
    const dialect = match.dialect;
    const baseHeaders: Record<string, string> = { 'x-request-id': requestId };
    try {
      if (!route) {
        if (match.allowed) {
          baseHeaders.allow = match.allowed.join(', ');
          throw new GatewayError({
            message: `Method ${inbound.method} is not allowed on ${path}.`,
            kind: 'invalid_request',
            status: 405,
            code: 'method_not_allowed',
          });
        }
        throw notFound(`Unknown request URL: ${inbound.method} ${path.slice(0, 200)}.`, { code: 'unknown_url' });
      }
      if (route.kind === 'count_tokens') return await countTokens(inbound, route, requestId, baseHeaders);
      if (route.kind === 'handler') return await serve(inbound, route, match.parameters, path, queryAt, requestId, baseHeaders);
      if (route.kind !== 'pipeline') {
        return route.kind === 'health'
          ? json(200, baseHeaders, '{"status":"ok"}')
          : json(200, baseHeaders, listModels(registry, middlewareModels, createdAt));
      }

      const query = new URLSearchParams(queryAt === -1 ? '' : inbound.path.slice(queryAt + 1));
      const decoded = route.decode(decodeBody(inbound), match.parameters, query);
      const context = createContext(inbound, route, requestId, startedAt, decoded);
      return await run(context, route.dialect);
    } catch (thrown) {
      // Only failures before a context exists land here (routing, body, validation); run() handles the rest.
      const error = toGatewayError(thrown);
      logFailure(logger, requestId, error);
      logger.info('request', { requestId, method: inbound.method, path, status: error.status, errorCode: error.code });
      return errorOutbound(dialect, error, baseHeaders);
    }
  }

  /**
   * Anthropic's `count_tokens`, answered by the target provider's own tokenizer. Models resolve like chat
   * models (`provider/model`, bare names, core aliases); router aliases are not resolved here.
   */
  async function countTokens(
    inbound: Inbound,
    route: TokenCountRoute,
    requestId: string,
    headers: Record<string, string>,
  ): Promise<Outbound> {
    const request = route.decode(decodeBody(inbound));
    const target = registry.resolve(request.model).targets[0];
    if (!target?.provider.countTokens) {
      throw invalidRequest(`Token counting is not offered by the provider of "${request.model.slice(0, 200)}".`, {
        code: 'unsupported_operation',
        param: 'model',
      });
    }
    const signal = inbound.signal ?? new AbortController().signal;
    const counted = await target.provider.countTokens({ model: target.model, request, signal, requestId });
    return json(200, headers, JSON.stringify({ input_tokens: counted.inputTokens }));
  }

  async function serve(
    inbound: Inbound,
    route: HandlerRoute,
    parameters: Record<string, string>,
    path: string,
    queryAt: number,
    requestId: string,
    headers: Record<string, string>,
  ): Promise<Outbound> {
    const response = await route.handler.handle({
      requestId,
      method: inbound.method,
      path,
      query: new URLSearchParams(queryAt === -1 ? '' : inbound.path.slice(queryAt + 1)),
      parameters,
      headers: inbound.headers,
      ip: inbound.ip,
      signal: inbound.signal ?? new AbortController().signal,
      log: logger,
      registry,
      json: () => decodeBody(inbound),
    });
    const body = response.body;
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const base = body === undefined || typeof body !== 'string' ? { ...jsonHeaders, ...headers } : headers;
    logger.info('request', { requestId, method: inbound.method, path, status: response.status ?? 200 });
    return { status: response.status ?? 200, headers: { ...base, ...response.headers }, body: body === undefined ? null : text };
  }

  function decodeBody(inbound: Inbound): unknown {
    if (inbound.parsedBody !== undefined) return inbound.parsedBody;
    const body = inbound.body;
    const size = body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (size > maxBodyBytes) throw requestTooLarge(maxBodyBytes);
    if (size === 0) throw invalidRequest('The request needs a JSON body.', { code: 'missing_body' });
    const text =
      typeof body === 'string'
        ? body
        : Buffer.from((body as Uint8Array).buffer, (body as Uint8Array).byteOffset, size).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw invalidRequest('We could not parse the JSON body of your request.', { code: 'invalid_json' });
    }
  }

  function createContext(inbound: Inbound, route: PipelineRoute, requestId: string, startedAt: number, decoded: DecodedRequest) {
    let signal = inbound.signal;
    if (!signal) signal = new AbortController().signal;
    return createRequestContext({
      requestId,
      startedAt,
      http: { method: inbound.method, path: inbound.path, headers: inbound.headers, ip: inbound.ip },
      dialect: route.dialect.name,
      signal,
      log: logger,
      ...decoded,
    });
  }

  function finish(context: RequestContext, outcome: FinishOutcome): void {
    const result = context.result;
    if (logInfo)
      logger.info('request', {
        requestId: context.requestId,
        method: context.http.method,
        path: context.http.path,
        status: outcome.status,
        provider: result?.providerId,
        model: result?.model,
        stream: result?.type === 'stream',
        promptTokens: context.usage?.prompt_tokens,
        completionTokens: context.usage?.completion_tokens,
        durationMs: Math.round(outcome.durationMs * 100) / 100,
        aborted: outcome.aborted || undefined,
        errorCode: outcome.error?.code ?? undefined,
      });
    context.finish(outcome);
  }

  async function run(context: RequestContext, dialect: Dialect): Promise<Outbound> {
    try {
      await pipeline(context);
      const result = context.result;
      if (!result) throw new Error('The pipeline finished without a result.');
      if (result.type === 'stream') {
        const includeUsage = context.operation === 'chat' && includesUsage(context.request);
        const body = finishing(dialect.encodeStream(result.parts, { includeUsage }), context);
        return { status: 200, headers: addResultHeaders({ ...streamHeaders, ...context.responseHeaders }, result), body };
      }
      const body = result.type === 'completion' ? dialect.encodeCompletion(result) : dialect.encodeEmbeddings(result);
      finish(context, { status: 200, aborted: false, durationMs: performance.now() - context.startedAt });
      return { status: 200, headers: addResultHeaders({ ...jsonHeaders, ...context.responseHeaders }, result), body };
    } catch (thrown) {
      const error = toGatewayError(thrown);
      // A client that went away is not a server failure: nobody reads this answer, so it is logged as 499.
      const aborted = context.signal.aborted;
      if (!aborted) logFailure(logger, context.requestId, error);
      finish(context, {
        status: aborted ? 499 : error.status,
        aborted,
        error: { code: error.code, status: error.status },
        durationMs: performance.now() - context.startedAt,
      });
      return errorOutbound(dialect, error, context.responseHeaders);
    }
  }

  /** Ends the request's bookkeeping when the encoded stream ends, fails or is abandoned by the client. */
  /**
   * Ends the request's bookkeeping when the encoded stream ends, fails or is abandoned by the client. A
   * failure was already written in-band by the encoder, so it ends the body cleanly here.
   */
  function finishing(body: AsyncIterable<string>, context: RequestContext): AsyncIterable<string> {
    return tapAsyncIterable(body, {
      mapError: () => undefined,
      onEnd({ error, stopped }) {
        const durationMs = performance.now() - context.startedAt;
        if (error === undefined) {
          finish(context, { status: 200, aborted: stopped, durationMs });
          return;
        }
        const failure = toGatewayError(error);
        if (!context.signal.aborted) logFailure(logger, context.requestId, failure, 'stream failed');
        finish(context, {
          status: 200,
          aborted: context.signal.aborted,
          error: { code: failure.code, status: failure.status },
          durationMs,
        });
      },
    });
  }

  return {
    handle,
    async fetch(request) {
      let inbound: Inbound;
      try {
        inbound = await toInbound(request, maxBodyBytes);
      } catch (thrown) {
        return toFetchResponse(errorOutbound(openAIDialect, toGatewayError(thrown), { 'x-request-id': requestIdFor(undefined) }));
      }
      return toFetchResponse(await handle(inbound));
    },
    registry,
    maxBodyBytes,
    async close() {
      // Middleware first (they may flush work that still needs providers or stores), then providers.
      await Promise.allSettled(middleware.map((layer) => layer.close?.()));
      await Promise.all(providers.map((provider) => provider.close?.()));
    },
  };
}

function addHandler(routes: RouteTable, handler: ServiceHandler): void {
  const route: HandlerRoute = { method: handler.method, kind: 'handler', dialect: openAIDialect, handler };
  if (typeof handler.path === 'string') routes.add(handler.path, route);
  else routes.addPattern(handler.path, route);
}

function includesUsage(request: ChatRequest): boolean {
  return request.stream_options?.include_usage === true;
}

/** Adds the headers that say who answered (in this order, overriding any earlier value). */
function addResultHeaders(headers: Record<string, string>, result: GatewayResult): Record<string, string> {
  if (result.providerId) headers['x-switchyard-provider'] = result.providerId;
  if (result.model) headers['x-switchyard-model'] = result.model;
  if (result.source !== 'provider') headers['x-switchyard-source'] = result.source;
  if (result.upstream?.requestId) headers['x-switchyard-upstream-request-id'] = result.upstream.requestId;
  return headers;
}

function json(status: number, headers: Record<string, string>, body: string): Outbound {
  return { status, headers: { ...jsonHeaders, ...headers }, body };
}

/** The one place an error becomes an HTTP response. */
function errorOutbound(dialect: Dialect, error: GatewayError, headers: Record<string, string>): Outbound {
  const encoded = dialect.encodeError(error);
  return { status: encoded.status, headers: { ...jsonHeaders, ...headers, ...encoded.headers }, body: encoded.body };
}

function listModels(registry: ModelRegistry, aliases: readonly string[], created: number): string {
  const data: Array<{ id: string; object: 'model'; created: number; owned_by: string }> = [];
  for (const alias of new Set([...aliases, ...registry.aliases.keys()]))
    data.push({ id: alias, object: 'model', created, owned_by: 'switchyard' });
  for (const [providerId, provider] of registry.providers) {
    for (const model of provider.models ?? [])
      data.push({ id: `${providerId}/${model}`, object: 'model', created, owned_by: providerId });
  }
  return JSON.stringify({ object: 'list', data });
}

function logFailure(logger: Logger, requestId: string, error: GatewayError, message = 'request failed'): void {
  if (error.status < 500) return;
  const cause = error.cause as { code?: unknown; name?: unknown } | undefined;
  logger.error(message, {
    requestId,
    status: error.status,
    code: error.code,
    error: error.message,
    cause: typeof cause?.code === 'string' ? cause.code : typeof cause?.name === 'string' ? cause.name : undefined,
  });
}
