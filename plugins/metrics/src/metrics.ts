import type { GatewayContext, Middleware, ServiceRequest } from '@switchyard/core';
import { Counter, Histogram } from './registry.js';

/** What other middleware leave in `context.state` that metrics read (all optional, read loosely). */
interface ObservedState {
  cost?: { usd: number | null };
  cache?: { status: string };
  experiment?: { name: string; variant: string };
}

export interface MetricsOptions {
  /** Where Prometheus scrapes. Default `/metrics`. */
  path?: string;
  /** Guards the endpoint (e.g. the auth plugin's `authorizeAdmin`); default: open, as scrapers usually are. */
  authorize?: (request: ServiceRequest) => void | Promise<void>;
  /** Distinct label sets kept per metric before the rest are counted as `other`. Default 1000. */
  maxSeries?: number;
}

export interface MetricsMiddleware extends Middleware {
  /** The exposition text (what `GET /metrics` answers). */
  render(): string;
}

const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * Request, token, cost and cache metrics in Prometheus' text format. Put it first in the middleware list so
 * refused requests count too; it reads what later middleware recorded (cost, cache status, experiment)
 * after they did, when the response is finished.
 */
export function metrics({ path = '/metrics', authorize, maxSeries = 1000 }: MetricsOptions = {}): MetricsMiddleware {
  const requests = new Counter(
    'switchyard_requests_total',
    'Requests by requested model, answering provider, dialect and HTTP status.',
    ['model', 'provider', 'dialect', 'status'],
    maxSeries,
  );
  const duration = new Histogram(
    'switchyard_request_duration_seconds',
    'Time from request to the end of the response (streams included).',
    ['model', 'provider'],
    durationBuckets,
    maxSeries,
  );
  const tokens = new Counter(
    'switchyard_tokens_total',
    'Tokens the upstream reported, by type.',
    ['model', 'provider', 'type'],
    maxSeries,
  );
  const cost = new Counter(
    'switchyard_cost_usd_total',
    'Cost of answered requests, in US dollars.',
    ['model', 'provider'],
    maxSeries,
  );
  const cache = new Counter(
    'switchyard_cache_requests_total',
    'Requests seen by the response cache, by outcome.',
    ['model', 'status'],
    maxSeries,
  );
  const aborted = new Counter(
    'switchyard_client_aborts_total',
    'Requests whose client went away before the end.',
    ['model'],
    maxSeries,
  );
  const experiments = new Counter(
    'switchyard_experiment_requests_total',
    'Requests served by an experiment variant.',
    ['experiment', 'variant', 'status'],
    maxSeries,
  );
  const all = [requests, duration, tokens, cost, cache, aborted, experiments];
  const render = () => `${all.map((metric) => metric.render()).join('\n')}\n`;

  function record(context: GatewayContext, status: number, seconds: number, wasAborted: boolean): void {
    const state = context.state as ObservedState;
    const model = context.request.model;
    const provider = context.result?.providerId ?? '';
    requests.inc({ model, provider, dialect: context.dialect, status: String(status) });
    duration.observe({ model, provider }, seconds);
    if (wasAborted) aborted.inc({ model });
    const usage = context.usage;
    if (usage) {
      tokens.inc({ model, provider, type: 'prompt' }, usage.prompt_tokens);
      tokens.inc({ model, provider, type: 'completion' }, usage.completion_tokens);
      const cached = usage.prompt_tokens_details?.cached_tokens;
      if (typeof cached === 'number' && cached > 0) tokens.inc({ model, provider, type: 'cached' }, cached);
      const reasoning = usage.completion_tokens_details?.reasoning_tokens;
      if (typeof reasoning === 'number' && reasoning > 0) tokens.inc({ model, provider, type: 'reasoning' }, reasoning);
    }
    const usd = state.cost?.usd;
    if (typeof usd === 'number' && usd > 0) cost.inc({ model, provider }, usd);
    if (state.cache) cache.inc({ model, status: state.cache.status });
    if (state.experiment) {
      experiments.inc({ experiment: state.experiment.name, variant: state.experiment.variant, status: String(status) });
    }
  }

  return {
    name: 'metrics',
    handlers: [
      {
        method: 'GET',
        path,
        async handle(request) {
          await authorize?.(request);
          return { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }, body: render() };
        },
      },
    ],
    async handle(context, next) {
      context.onFinish((outcome) => {
        // Other finish listeners (cost) registered after this one: read their results one turn later.
        setImmediate(() => record(context, outcome.status, outcome.durationMs / 1000, outcome.aborted));
      });
      await next();
    },
    render,
  };
}
