import { invalidRequest } from '@switchyard/spec';
import type { GatewayContext, GatewayResult, RouteTarget } from './context.js';
import { primeStream } from './prime-stream.js';

export interface DispatchRequest {
  readonly context: GatewayContext;
  readonly target: RouteTarget;
  readonly signal: AbortSignal;
}

/** Sends one request to one target and returns the canonical result. */
export type Dispatch = (request: DispatchRequest) => Promise<GatewayResult>;

/**
 * Wraps a dispatch. Unlike middleware it may call the inner dispatch zero or many times (retries,
 * fallbacks, hedging, circuit breaking, timeouts). The first interceptor in a list is the outermost.
 */
export type DispatchInterceptor = (next: Dispatch) => Dispatch;

export function composeDispatch(interceptors: readonly DispatchInterceptor[], base: Dispatch): Dispatch {
  return interceptors.reduceRight<Dispatch>((inner, interceptor) => interceptor(inner), base);
}

/** The innermost dispatch: calls the target's provider. A stream is returned once its first part arrived. */
export const providerDispatch: Dispatch = async ({ context, target, signal }) => {
  const { provider, model, providerId } = target;
  const requestId = context.requestId;
  if (context.operation === 'embeddings') {
    if (!provider.embed) {
      throw invalidRequest(`The provider "${providerId}" does not serve embeddings.`, {
        code: 'unsupported_operation',
        param: 'model',
      });
    }
    const result = await provider.embed({ model, signal, requestId, request: withParams(context.request, target) });
    return { source: 'provider', providerId, model, type: 'embeddings', body: result.body, upstream: result.upstream };
  }
  const request = withParams(context.request, target);
  if (request.stream === true) {
    const result = await provider.streamChat({ model, signal, requestId, request });
    const parts = await primeStream(result.parts);
    return { source: 'provider', providerId, model, type: 'stream', parts, upstream: result.upstream };
  }
  const result = await provider.chat({ model, signal, requestId, request });
  return { source: 'provider', providerId, model, type: 'completion', body: result.body, upstream: result.upstream };
};

function withParams<T extends object>(request: T, target: RouteTarget): T {
  return target.params ? { ...request, ...target.params } : request;
}
