import type { GatewayContext, Middleware, RateLimitSpec, Store } from '@switchyard/core';
import { GatewayError, isGatewayError } from '@switchyard/spec';
import { estimateTokens } from './estimate.js';
import { adjustScript, admitScript } from './gcra.js';

export interface RateLimitOptions {
  store: Store;
  /** Limits per team (`principal.team`), shared by all of the team's keys. */
  teams?: Readonly<Record<string, RateLimitSpec>>;
  /** Gateway-wide limits per requested model name (alias or `provider/model`). */
  models?: Readonly<Record<string, RateLimitSpec>>;
  /** Limits for keys that carry none of their own. */
  defaultKeyLimits?: RateLimitSpec;
  /**
   * When the store cannot be reached: `open` (default) admits the request and marks the response with
   * `x-switchyard-rate-limit: unavailable`; `closed` refuses with 503 `rate_limit_unavailable`.
   */
  failMode?: 'open' | 'closed';
  /** Replaces the up-front token estimate. */
  estimate?: (context: GatewayContext) => number;
  now?: () => number;
}

type Kind = 'requests' | 'tokens';

interface Bucket {
  key: string;
  label: string;
  kind: Kind;
  limit: number;
}

/**
 * Requests- and tokens-per-minute limits per key, team and model, checked together and atomically:
 * a request is admitted only when every applicable bucket has room. Token buckets are charged an
 * estimate up front and corrected to the upstream's real usage when the response ends.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const { store, teams = {}, models = {}, defaultKeyLimits, failMode = 'open', now = Date.now } = options;
  const estimate =
    options.estimate ?? ((context: GatewayContext) => (context.operation === 'chat' ? estimateTokens(context.request) : 0));

  const bucketsOf = (scope: string, id: string, spec: RateLimitSpec | undefined): Bucket[] => {
    const buckets: Bucket[] = [];
    if (spec?.rpm)
      buckets.push({ key: `ratelimit:{rl}:${scope}:${id}:rpm`, label: `${scope} ${id}`, kind: 'requests', limit: spec.rpm });
    if (spec?.tpm)
      buckets.push({ key: `ratelimit:{rl}:${scope}:${id}:tpm`, label: `${scope} ${id}`, kind: 'tokens', limit: spec.tpm });
    return buckets;
  };
  // Bucket lists are built once per caller and per model, not per request.
  const callerBuckets = new WeakMap<object, Bucket[]>();
  const modelBuckets = new Map<string, Bucket[]>();

  function bucketsFor(context: GatewayContext): Bucket[] {
    const principal = context.state.principal;
    let own: Bucket[] = [];
    if (principal) {
      const cached = callerBuckets.get(principal);
      if (cached) own = cached;
      else {
        own = bucketsOf('key', principal.keyId, principal.limits ?? defaultKeyLimits);
        if (principal.team) own.push(...bucketsOf('team', principal.team, teams[principal.team]));
        callerBuckets.set(principal, own);
      }
    }
    const model = context.request.model;
    let forModel = modelBuckets.get(model);
    if (forModel === undefined) {
      forModel = bucketsOf('model', model, models[model]);
      if (modelBuckets.size < 10_000) modelBuckets.set(model, forModel);
    }
    return forModel.length === 0 ? own : own.length === 0 ? forModel : [...own, ...forModel];
  }

  return {
    name: 'rate-limit',
    async handle(context, next) {
      const buckets = bucketsFor(context);
      if (buckets.length === 0) return next();
      const tokens = buckets.some((bucket) => bucket.kind === 'tokens') ? estimate(context) : 0;
      for (const bucket of buckets) {
        if (bucket.kind === 'tokens' && tokens > bucket.limit) {
          throw new GatewayError({
            message: `This request needs about ${tokens} tokens, more than the ${bucket.limit} tokens per minute allowed for ${bucket.label}.`,
            kind: 'rate_limit',
            status: 429,
            code: 'tokens_exceed_limit',
            retryable: false,
          });
        }
      }
      const args = [String(now())];
      for (const bucket of buckets) args.push(String(bucket.limit), String(bucket.kind === 'tokens' ? tokens : 1));
      let result: number[];
      try {
        result = await store.run(
          admitScript,
          buckets.map((bucket) => bucket.key),
          args,
        );
      } catch (error) {
        if (failMode === 'closed') {
          throw new GatewayError({
            message: 'Rate limits cannot be checked right now; try again shortly.',
            kind: 'unavailable',
            status: 503,
            code: 'rate_limit_unavailable',
            retryable: true,
            cause: isGatewayError(error) ? error : undefined,
          });
        }
        context.log.warn('rate limits not checked: store unavailable (failMode: open)', { requestId: context.requestId });
        context.responseHeaders['x-switchyard-rate-limit'] = 'unavailable';
        return next();
      }
      const headers = limitHeaders(buckets, result);
      if (result[0] !== 1) {
        let worst = 0;
        let label = '';
        for (const [index, bucket] of buckets.entries()) {
          const retry = Number(result[3 + index * 3] ?? 0);
          if (retry > worst) {
            worst = retry;
            label = `${bucket.limit} ${bucket.kind} per minute for ${bucket.label}`;
          }
        }
        throw new GatewayError({
          message: `Rate limit reached: ${label}. Retry after ${Math.ceil(worst / 1000)} s.`,
          kind: 'rate_limit',
          status: 429,
          code: 'rate_limit_exceeded',
          retryable: true,
          headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil(worst / 1000))), 'retry-after-ms': String(worst) },
        });
      }
      Object.assign(context.responseHeaders, headers);
      const tokenBuckets = buckets.filter((bucket) => bucket.kind === 'tokens');
      if (tokenBuckets.length > 0) {
        context.onFinish((outcome) => {
          const actual = context.usage?.total_tokens ?? (outcome.error ? 0 : tokens);
          const delta = actual - tokens;
          if (delta === 0) return;
          const adjust = [String(now())];
          for (const bucket of tokenBuckets) adjust.push(String(bucket.limit), String(delta));
          context.waitUntil(
            store.run(
              adjustScript,
              tokenBuckets.map((bucket) => bucket.key),
              adjust,
            ),
          );
        });
      }
      await next();
    },
  };
}

/** OpenAI's headers, for the tightest requests bucket and the tightest tokens bucket. */
function limitHeaders(buckets: readonly Bucket[], result: readonly number[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const kind of ['requests', 'tokens'] as const) {
    let best: { limit: number; remaining: number; reset: number } | undefined;
    for (const [index, bucket] of buckets.entries()) {
      if (bucket.kind !== kind) continue;
      const remaining = Math.max(0, Number(result[1 + index * 3] ?? 0));
      const reset = Number(result[2 + index * 3] ?? 0);
      if (best === undefined || remaining < best.remaining) best = { limit: bucket.limit, remaining, reset };
    }
    if (best === undefined) continue;
    headers[`x-ratelimit-limit-${kind}`] = String(best.limit);
    headers[`x-ratelimit-remaining-${kind}`] = String(best.remaining);
    headers[`x-ratelimit-reset-${kind}`] = formatDuration(best.reset);
  }
  return headers;
}

/** OpenAI's duration style: `20ms`, `1s`, `6m0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}
