import type { GatewayContext } from './context.js';
import type { ServiceHandler } from './service-handler.js';

export type Next = () => Promise<void>;

/**
 * An onion layer. It may change `context.request` before calling `next()`, inspect or wrap
 * `context.result` after it, or answer itself by setting `context.result` without calling `next()`.
 * `next()` may be called at most once. Streams are wrapped, never buffered whole.
 */
export interface Middleware {
  readonly name: string;
  /** Names of middleware that must run before this one. Checked when the gateway is created. */
  readonly dependsOn?: readonly string[];
  /** Model names this middleware serves itself (e.g. a router's aliases), listed in `GET /v1/models`. */
  readonly models?: readonly string[];
  /** HTTP endpoints this middleware brings (an admin API, `/v1/feedback`), served beside the model routes. */
  readonly handlers?: readonly ServiceHandler[];
  handle(context: GatewayContext, next: Next): Promise<void>;
  /** Called by `gateway.close()`: flush buffers (ledger writes), stop timers. */
  close?(): Promise<void>;
}

/** Builds one function from an ordered list; the first middleware is the outermost. */
export function composeMiddleware(
  middleware: readonly Middleware[],
  terminal: (context: GatewayContext) => Promise<void>,
): (context: GatewayContext) => Promise<void> {
  checkDependencies(middleware);
  return function run(context) {
    let lastIndex = -1;
    const step = (index: number): Promise<void> => {
      if (index <= lastIndex)
        return Promise.reject(new Error(`Middleware "${middleware[index - 1]?.name}" called next() twice.`));
      lastIndex = index;
      const layer = middleware[index];
      if (layer === undefined) return terminal(context);
      return layer.handle(context, () => step(index + 1));
    };
    return step(0);
  };
}

function checkDependencies(middleware: readonly Middleware[]): void {
  const seen = new Set<string>();
  for (const layer of middleware) {
    for (const dependency of layer.dependsOn ?? []) {
      if (!seen.has(dependency)) {
        throw new Error(`Middleware "${layer.name}" depends on "${dependency}", which must come before it in the list.`);
      }
    }
    seen.add(layer.name);
  }
}
