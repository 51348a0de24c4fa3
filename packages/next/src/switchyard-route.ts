// Only types come from @switchyard/core: this module must load in any runtime, so that a route handler
// mistakenly run on the edge runtime can still explain itself instead of failing on a `node:` import.
import type { Gateway } from '@switchyard/core';

/** A Next.js App Router route handler (`NextRequest` is a `Request`). */
export type RouteHandler = (request: Request) => Promise<Response>;

export interface SwitchyardRouteHandlers {
  GET: RouteHandler;
  POST: RouteHandler;
  PUT: RouteHandler;
  PATCH: RouteHandler;
  DELETE: RouteHandler;
}

export interface SwitchyardRouteOptions {
  /**
   * The URL path before the gateway's own paths (`/v1/...`), Next's `basePath` setting included: `/api`
   * for `app/api/v1/[...path]/route.ts` (the default), `/ai` for `app/ai/v1/[...path]/route.ts`.
   */
  basePath?: string;
}

/** The gateway, or a function that makes it on first use (so `next build` never builds one). */
export type GatewaySource = Gateway | (() => Gateway | Promise<Gateway>);

/** What the edge runtime lacks that the gateway needs; shown to whoever runs a route handler there. */
export const edgeRuntimeMessage =
  "Switchyard's route handlers run on the Node.js runtime only. Add `export const runtime = 'nodejs';` to this " +
  'route file (it is also the default). The edge runtime lacks what the gateway is built on: undici connection ' +
  'pools to each upstream, node:crypto (request ids, hashed keys), Node streams and timers for backpressure and ' +
  'deadlines, and a long-lived process for in-memory rate limits, caches and budgets.';

/**
 * Route handlers serving a gateway from a catch-all App Router route:
 *
 * ```ts
 * // app/api/v1/[...path]/route.ts
 * export const runtime = 'nodejs';
 * export const { GET, POST, PUT, PATCH, DELETE } = switchyardRoute(gateway, { basePath: '/api' });
 * ```
 *
 * Each request goes through `gateway.fetch`: streamed answers are a `Response` whose body is a
 * `ReadableStream` pulled as the client reads, and `request.signal` (which Next aborts when the client
 * disconnects) aborts the upstream request.
 */
export function switchyardRoute(
  source: GatewaySource,
  { basePath = '/api' }: SwitchyardRouteOptions = {},
): SwitchyardRouteHandlers {
  const prefix = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  let gateway: Promise<Gateway> | undefined;
  let refusedEdge = false;

  const handler: RouteHandler = async (request) => {
    if (isEdgeRuntime()) {
      if (!refusedEdge) {
        refusedEdge = true;
        console.error(`[switchyard] ${edgeRuntimeMessage}`);
      }
      return edgeRefusal();
    }
    if (gateway === undefined) {
      const made = Promise.resolve().then(() => (typeof source === 'function' ? source() : source));
      gateway = made;
      // A factory that failed is tried again on the next request instead of failing every request after.
      made.catch(() => {
        if (gateway === made) gateway = undefined;
      });
    }
    const url = new URL(request.url);
    if (prefix !== '' && (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))) {
      url.pathname = url.pathname.slice(prefix.length) || '/';
    }
    const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
    const relative = new Request(url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
    } as RequestInit);
    return (await gateway).fetch(relative);
  };

  return { GET: handler, POST: handler, PUT: handler, PATCH: handler, DELETE: handler };
}

function isEdgeRuntime(): boolean {
  const edge = (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime;
  return typeof edge === 'string' || (typeof process !== 'undefined' && process.env?.NEXT_RUNTIME === 'edge');
}

function edgeRefusal(): Response {
  const body = {
    error: { message: edgeRuntimeMessage, type: 'server_error', param: null, code: 'unsupported_runtime' },
  };
  return new Response(JSON.stringify(body), { status: 500, headers: { 'content-type': 'application/json' } });
}
