import { createMemoryStore, type DispatchInterceptor, type GatewayContext, type Middleware, type Store } from '@switchyard/core';
import {
  type GatewayError,
  GatewayError as GatewayErrorClass,
  notFound,
  type ProviderV1,
  timeoutError,
  toGatewayError,
} from '@switchyard/spec';
import { abortableSleep } from './abortable-sleep.js';
import { attemptDeployment } from './attempt.js';
import { fullJitterDelay } from './backoff.js';
import { createCircuitBreakers } from './circuit-breaker.js';
import { type CompiledAlias, type CompiledNode, compileRoutes } from './compile-routes.js';
import { DeploymentStats } from './deployment-stats.js';
import { classifyError, countsAgainstHealth, defaultMoveOn, retryableOnSameDeployment } from './error-class.js';
import { type PlannedTarget, planRoute, sharedGroup } from './plan-route.js';
import { retryAfterMs } from './retry-after.js';
import type { AliasConfig, BreakerConfig, RetryConfig, TimeoutConfig } from './route-schema.js';

declare module '@switchyard/core' {
  interface GatewayState {
    /** Set by the router middleware for requests to one of its aliases. */
    router?: { alias: CompiledAlias; plan: PlannedTarget[] };
  }
}

export interface RouterOptions {
  /** Aliases and their routing trees (the `models` section of the config). */
  aliases: Readonly<Record<string, AliasConfig>>;
  /** The gateway's providers; deployments name them as `provider/model`. */
  providers: readonly ProviderV1[];
  /** Where breaker state and per-deployment RPM/TPM windows live (shared when it is Redis). */
  store?: Store;
  /** Defaults for every alias (and for requests naming a deployment directly); an alias may override. */
  retry?: RetryConfig;
  timeouts?: TimeoutConfig;
  breaker?: BreakerConfig;
  /** Randomness for weighted choice, exploration and jitter; replaceable in tests. */
  random?: () => number;
}

export interface Router {
  middleware: Middleware;
  interceptor: DispatchInterceptor;
  readonly aliases: readonly string[];
  /** Every deployment an alias may send to (all branches), or `[]` when the name is not an alias. */
  deploymentsOf(model: string): Array<{ providerId: string; model: string }>;
}

const defaultRetry: Required<RetryConfig> = { maxRetries: 2, baseDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 5_000 };
const defaultTimeouts = { firstTokenMs: 60_000, idleMs: 60_000, responseMs: 600_000 };

interface AttemptRecord {
  deployment: string;
  status: number;
  code: string | null;
}

/**
 * The router: a middleware that turns an alias into an ordered plan of deployments, and a dispatch
 * interceptor that walks the plan with retries (full-jitter backoff, `Retry-After` honoured), circuit
 * breakers, per-deployment RPM/TPM, timeouts and a per-request deadline. Add both to the gateway:
 * `createGateway({ providers, middleware: [router.middleware], interceptors: [router.interceptor] })`.
 */
export function createRouter({
  aliases,
  providers,
  store = createMemoryStore(),
  retry = {},
  timeouts = {},
  breaker = {},
  random = Math.random,
}: RouterOptions): Router {
  const compiled = compileRoutes(aliases, new Map(providers.map((provider) => [provider.id, provider])));
  const breakers = createCircuitBreakers(store, breaker);
  const stats = new DeploymentStats(store);
  const baseRetry = { ...defaultRetry, ...retry };
  const baseTimeouts = { ...defaultTimeouts, ...timeouts };

  const middleware: Middleware = {
    name: 'router',
    models: [...compiled.keys()],
    async handle(context, next) {
      const alias = context.route ? undefined : compiled.get(context.request.model);
      if (alias) {
        const plan = planRoute(alias.root, { context, stats, random });
        if (plan.length === 0) {
          throw notFound(`No routing rule of the alias "${alias.name}" matches this request.`, {
            code: 'no_matching_route',
            param: 'model',
          });
        }
        context.route = {
          requested: context.request.model,
          alias: alias.name,
          targets: plan.map((entry) => entry.deployment.target),
        };
        context.state.router = { alias, plan };
      }
      await next();
    },
  };

  const deploymentsMemo = new Map<string, Array<{ providerId: string; model: string }>>();
  const deploymentsOf = (model: string) => {
    const known = deploymentsMemo.get(model);
    if (known) return known;
    const alias = compiled.get(model);
    const found = new Map<string, { providerId: string; model: string }>();
    const walk = (node: CompiledNode | undefined): void => {
      if (node === undefined) return;
      if (node.kind === 'deployment') found.set(node.id, { providerId: node.target.providerId, model: node.target.model });
      else if (node.kind === 'group') for (const child of node.children) walk(child);
      else {
        for (const rule of node.rules) walk(rule.node);
        walk(node.fallback);
      }
    };
    walk(alias?.root);
    const list = [...found.values()];
    if (alias) deploymentsMemo.set(model, list);
    return list;
  };

  const interceptor: DispatchInterceptor = (next) => async (request) => {
    const { context } = request;
    const routing = context.state.router;
    const plan: PlannedTarget[] = routing?.plan ?? [
      {
        deployment: {
          kind: 'deployment',
          id: `${request.target.providerId}/${request.target.model}`,
          target: request.target,
          weight: 1,
        },
        groups: [],
      },
    ];
    const aliasRetry = routing?.alias.retry;
    const aliasTimeouts = routing?.alias.timeouts;
    const retryPolicy = aliasRetry ? { ...baseRetry, ...aliasRetry } : baseRetry;
    const limits = aliasTimeouts ? { ...baseTimeouts, ...aliasTimeouts } : baseTimeouts;
    const deadline = deadlineSignal(request.signal, limits.deadlineMs);
    const attempts: AttemptRecord[] = [];
    const skipped: string[] = [];
    let lastError: GatewayError | undefined;
    let failedEntry: PlannedTarget | undefined;
    let earliestRetryAt = Number.POSITIVE_INFINITY;

    try {
      for (let index = 0; index < plan.length; index++) {
        const entry = plan[index] as PlannedTarget;
        const { deployment } = entry;
        if (lastError && failedEntry && !mayMoveOn(failedEntry, entry, lastError)) {
          skipped.push(`${deployment.id}=not-for-${classifyError(lastError)}`);
          continue;
        }
        if (deployment.rpm !== undefined && !(await stats.admitRequest(deployment.id, deployment.rpm))) {
          skipped.push(`${deployment.id}=rpm-limit`);
          continue;
        }
        if (deployment.tpm !== undefined && (await stats.tokensExhausted(deployment.id, deployment.tpm))) {
          skipped.push(`${deployment.id}=tpm-limit`);
          continue;
        }
        for (let retryIndex = 0; ; retryIndex++) {
          const admission = await breakers.acquire(deployment.id);
          if (!admission.allowed) {
            earliestRetryAt = Math.min(earliestRetryAt, admission.retryAt);
            skipped.push(`${deployment.id}=breaker-open`);
            break;
          }
          try {
            const result = await attemptDeployment({
              next,
              context,
              deployment,
              signal: deadline.signal,
              timeouts: limits,
              stats,
            });
            await breakers.record(deployment.id, 'success', admission.probe);
            attempts.push({ deployment: deployment.id, status: 200, code: null });
            if (deployment.tpm !== undefined) trackTokens(context, deployment.id, stats);
            annotate(context, deployment.id, attempts, skipped, index > 0);
            return result;
          } catch (thrown) {
            if (request.signal.aborted) {
              await breakers.record(deployment.id, 'neutral', admission.probe);
              throw thrown;
            }
            const error = toGatewayError(thrown);
            const errorClass = classifyError(error);
            await breakers.record(deployment.id, countsAgainstHealth(errorClass) ? 'failure' : 'neutral', admission.probe);
            attempts.push({ deployment: deployment.id, status: error.status, code: error.code });
            lastError = error;
            failedEntry = entry;
            if (deadline.signal.aborted || retryIndex >= retryPolicy.maxRetries || !retryableOnSameDeployment(errorClass, error))
              break;
            const delay = retryDelay(error, retryIndex, retryPolicy, random);
            if (delay === undefined || !deadline.allows(delay)) break;
            await abortableSleep(delay, deadline.signal);
          }
        }
        if (deadline.signal.aborted) break;
      }
    } catch (thrown) {
      annotate(context, undefined, attempts, skipped, false);
      throw thrown;
    } finally {
      deadline.dispose();
    }
    annotate(context, undefined, attempts, skipped, false);
    if (deadline.signal.aborted && !request.signal.aborted) throw deadline.signal.reason;
    if (lastError) throw lastError;
    throw new GatewayErrorClass({
      message: 'No deployment of this model is available right now.',
      kind: 'unavailable',
      status: 503,
      code: 'no_healthy_deployment',
      retryable: true,
      headers: Number.isFinite(earliestRetryAt)
        ? { 'retry-after': String(Math.max(1, Math.ceil((earliestRetryAt - Date.now()) / 1000))) }
        : {},
    });
  };

  return { middleware, interceptor, aliases: [...compiled.keys()], deploymentsOf };
}

/** A later entry takes over a failure when the innermost group both share moves on for that failure. */
function mayMoveOn(failed: PlannedTarget, candidate: PlannedTarget, error: GatewayError): boolean {
  const moveOn = sharedGroup(failed, candidate)?.moveOn ?? defaultMoveOn;
  return moveOn.has(classifyError(error)) || (error.code !== null && moveOn.has(error.code));
}

/** `Retry-After` (plus a little jitter) when the upstream sent one and it is short enough; else full jitter. */
function retryDelay(
  error: GatewayError,
  retryIndex: number,
  policy: Required<RetryConfig>,
  random: () => number,
): number | undefined {
  const asked = retryAfterMs(error.headers);
  if (asked !== undefined) {
    if (asked > policy.maxRetryAfterMs) return undefined;
    return asked + fullJitterDelay(0, { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs }, random);
  }
  return fullJitterDelay(retryIndex, { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs }, random);
}

interface Deadline {
  signal: AbortSignal;
  /** Whether waiting `milliseconds` still leaves time before the deadline. */
  allows(milliseconds: number): boolean;
  dispose(): void;
}

const alwaysAllows = () => true;
const noop = () => {};

/** The client's signal, plus the request deadline when one is set. The deadline stops applying once a stream is committed. */
function deadlineSignal(clientSignal: AbortSignal, deadlineMs: number | undefined): Deadline {
  if (deadlineMs === undefined) return { signal: clientSignal, allows: alwaysAllows, dispose: noop };
  const controller = new AbortController();
  const endsAt = performance.now() + deadlineMs;
  const forward = () => controller.abort(clientSignal.reason);
  if (clientSignal.aborted) forward();
  else clientSignal.addEventListener('abort', forward, { once: true });
  const timer = setTimeout(
    () =>
      controller.abort(
        timeoutError(`The request did not complete within its deadline of ${deadlineMs} ms.`, {
          code: 'deadline_exceeded',
          retryable: false,
        }),
      ),
    deadlineMs,
  );
  return {
    signal: controller.signal,
    allows: (milliseconds) => performance.now() + milliseconds < endsAt,
    dispose() {
      // Only the timer goes: a committed stream must still stop when its client leaves.
      clearTimeout(timer);
    },
  };
}

function trackTokens(context: GatewayContext, deploymentId: string, stats: DeploymentStats): void {
  context.onFinish(() => {
    const tokens = context.usage?.total_tokens ?? 0;
    if (tokens > 0) context.waitUntil(stats.addTokens(deploymentId, tokens));
  });
}

function annotate(
  context: GatewayContext,
  servedBy: string | undefined,
  attempts: readonly AttemptRecord[],
  skipped: readonly string[],
  fellBack: boolean,
): void {
  const headers = context.responseHeaders;
  if (servedBy) headers['x-switchyard-deployment'] = servedBy;
  headers['x-switchyard-attempts'] = String(attempts.length);
  if (fellBack) headers['x-switchyard-fallback'] = 'true';
  if (skipped.length > 0) headers['x-switchyard-skipped'] = skipped.join(', ');
  if (attempts.length > 1 || skipped.length > 0) {
    context.log.info('route', {
      requestId: context.requestId,
      alias: context.state.router?.alias.name,
      servedBy: servedBy ?? null,
      attempts: attempts
        .map((attempt) => `${attempt.deployment}:${attempt.status}${attempt.code ? `:${attempt.code}` : ''}`)
        .join(', '),
      skipped: skipped.join(', ') || undefined,
    });
  }
}
