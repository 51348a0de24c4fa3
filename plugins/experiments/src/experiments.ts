import {
  type ChatContext,
  createMemoryStore,
  createModelRegistry,
  type Logger,
  type Middleware,
  type ModelRegistry,
  type ServiceHandler,
  type ServiceRequest,
  type Store,
} from '@switchyard/core';
import type { ProviderV1 } from '@switchyard/spec';
import { z } from 'zod';
import { adminHandlers } from './admin-handlers.js';
import { applyOverrides } from './apply-variant.js';
import { bucketOf, pickVariant } from './assign-variant.js';
import { type CompiledExperiment, type CompiledVariant, compileExperiments } from './compile-experiments.js';
import { configSchema, type ExperimentsConfig, type ExperimentsConfigInput } from './config-schema.js';
import { type ExperimentReport, experimentReport } from './experiment-report.js';
import { feedbackHandler } from './feedback-handler.js';
import { recordOutcome, rememberAssignment } from './record-outcome.js';
import { excludedKey } from './store-layout.js';

declare module '@switchyard/core' {
  interface GatewayState {
    /** The experiment and variant that served the request (for the ledger); absent when none did. */
    experiment?: { name: string; variant: string };
  }
}

/** The response header naming the experiment and variant: `x-switchyard-experiment: <name>; variant=<variant>`. */
export const experimentHeader = 'x-switchyard-experiment';

const sevenDaysMs = 7 * 24 * 60 * 60 * 1000;

/** Throws (e.g. a 401 `GatewayError`) unless the request may use the endpoint. */
export type Authorize = (request: ServiceRequest) => void | Promise<void>;

export interface ExperimentsOptions {
  /** The experiments, keyed by name (the `experiments` section of the config file); validated here. */
  experiments: ExperimentsConfigInput;
  /** Where counters, assignments and feedback live (shared across instances when it is Redis). Default: in memory. */
  store?: Store;
  /**
   * Resolves variant models into route targets at construction (the gateway's `registry`, or one built
   * with `createModelRegistry`). Names it does not know, and every name when absent, are handed on by
   * rewriting `request.model`, so a router alias or the core's own resolution serves them.
   */
  registry?: Pick<ModelRegistry, 'resolve'>;
  /** Providers to build a registry from when `registry` is not given. */
  providers?: readonly ProviderV1[];
  logger?: Logger;
  /** Mounts `GET /admin/experiments…` (the report) for requests it accepts; without it there is no admin API. */
  authorizeAdmin?: Authorize;
  /** Guards `POST /v1/feedback`; without it anyone holding a request id may send feedback for it. */
  authorizeFeedback?: Authorize;
  /** How long a request id stays open for feedback. Default 7 days. */
  feedbackTtlMs?: number;
  /** Draws for requests without a unit under `whenUnitMissing: random`; replaceable in tests. */
  random?: () => number;
  /** Clock for schedules; replaceable in tests. */
  now?: () => number;
}

export interface ExperimentsMiddleware extends Middleware {
  readonly experiments: ExperimentsConfig;
  /** The readout of one experiment (what the admin API serves). */
  report(name: string): Promise<ExperimentReport>;
}

/**
 * A/B experiments on model aliases. For a request to an experiment's alias, the middleware assigns a
 * variant by a stable hash of the request's unit (user, key, session, header or metadata field), routes
 * to the variant's model and applies its overrides, marks the response with `x-switchyard-experiment`,
 * and counts the outcome in the store after the response. Put it after auth (for `unit: key`) and before
 * the router and any cache.
 */
export function experiments({
  experiments: input,
  store = createMemoryStore(),
  registry,
  providers,
  logger,
  authorizeAdmin,
  authorizeFeedback,
  feedbackTtlMs = sevenDaysMs,
  random = Math.random,
  now = Date.now,
}: ExperimentsOptions): ExperimentsMiddleware {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid experiments config:\n${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const resolver = registry ?? (providers ? createModelRegistry(providers) : undefined);
  const byAlias = compileExperiments(config, { ...(resolver ? { registry: resolver } : {}), ...(logger ? { logger } : {}) });
  const report = (name: string) => experimentReport(store, name, config, { now: now() });
  const handlers: ServiceHandler[] = [feedbackHandler({ store, markerTtlMs: feedbackTtlMs, authorize: authorizeFeedback })];
  if (authorizeAdmin) handlers.push(...adminHandlers({ config, report, authorize: authorizeAdmin, now }));

  /** Points the request at a variant: its targets (or model name for later middleware) and its overrides. */
  const serve = (context: ChatContext, variant: CompiledVariant, experiment: CompiledExperiment) => {
    const request = applyOverrides(context.request, variant);
    if (variant.targets) {
      context.route = { requested: context.request.model, alias: experiment.alias, targets: variant.targets };
      context.request = request;
    } else if (variant.model !== undefined) {
      context.request = { ...request, model: variant.model };
    } else context.request = request;
  };

  return {
    name: 'experiments',
    models: [...byAlias.keys()],
    handlers,
    experiments: config,
    report,
    async handle(context, next) {
      const experiment = context.operation === 'chat' && !context.route ? byAlias.get(context.request.model) : undefined;
      if (!experiment || context.operation !== 'chat') return next();
      const at = now();
      if (at < experiment.startMs || at >= experiment.stopMs) {
        serve(context, experiment.control, experiment);
        return next();
      }
      const unit = experiment.readUnit(context);
      if (unit === undefined && experiment.config.whenUnitMissing === 'control') {
        serve(context, experiment.control, experiment);
        context.waitUntil(store.increment(excludedKey(experiment.name)));
        return next();
      }
      const variant = pickVariant(experiment.variants, unit === undefined ? random() : bucketOf(experiment.seed, unit));
      serve(context, variant, experiment);
      context.state.experiment = { name: experiment.name, variant: variant.name };
      context.responseHeaders[experimentHeader] = `${experiment.name}; variant=${variant.name}`;
      context.waitUntil(
        rememberAssignment(store, context.requestId, { experiment: experiment.name, variant: variant.name }, feedbackTtlMs),
      );
      context.onFinish((outcome) => {
        context.waitUntil(recordOutcome({ store, experiment: experiment.name, variant: variant.name, context, outcome }));
      });
      return next();
    },
  };
}
