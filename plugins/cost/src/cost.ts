import {
  type AppendLog,
  type BudgetSpec,
  createMemoryLog,
  type FinishOutcome,
  type GatewayContext,
  type GatewayResult,
  type Logger,
  type Middleware,
  type ServiceRequest,
  type Store,
} from '@switchyard/core';
import { GatewayError, invalidRequest, isGatewayError, readUsage } from '@switchyard/spec';
import { adminHandlers } from './admin-handlers.js';
import { type Budget, type BudgetAlert, type Budgets, createBudgets, type Reservation, selectBudgets } from './budgets.js';
import { billedTokens, costOf, NANO_PER_USD, worstCaseNano } from './compute-cost.js';
import { createLedgerWriter, type LedgerRecord, type LedgerWriter } from './ledger.js';
import { createPriceTable, type PriceTable } from './prices/price-table.js';
import { inputTokenBound, outputAllowance, roughInputTokens } from './request-size.js';

declare module '@switchyard/core' {
  interface GatewayState {
    /** The request's cost, set when it finishes (read by later finish listeners: experiments, metrics). */
    cost?: { usd: number | null; nanoUsd: number | null; estimated: boolean };
    /** Set by a cache middleware. */
    cache?: { status: string };
    /** Set by an experiments middleware. */
    experiment?: { name: string; variant: string };
  }
}

export interface BudgetOptions {
  /** Budgets per team (`principal.team`); key budgets come with the key. */
  teams?: Readonly<Record<string, readonly BudgetSpec[]>>;
  /** Budgets per requested model name. */
  models?: Readonly<Record<string, readonly BudgetSpec[]>>;
  /** Budgets over all traffic through this gateway. */
  global?: readonly BudgetSpec[];
  /** Fractions that raise an alert when crossed. Default `[0.8]`. */
  thresholds?: readonly number[];
  /** Alerts are POSTed here as JSON (and always logged). */
  webhook?: { url: string; headers?: Record<string, string> };
  /** Store unreachable: `closed` (default) refuses with 503 `budget_unavailable`; `open` admits unchecked. */
  failMode?: 'closed' | 'open';
  /** Output reserved for requests without `max_tokens`. Default 4096. */
  defaultMaxOutputTokens?: number;
  /** A request under a budget for a model with no known price: `deny` (default) or `allow` (unchecked). */
  unknownPrice?: 'deny' | 'allow';
}

export interface CostOptions {
  /** Required when budgets are used. */
  store?: Store;
  prices?: PriceTable;
  budgets?: BudgetOptions;
  /** Where ledger records go; default an in-memory log. `false` turns the ledger off. */
  ledger?: AppendLog | false;
  /** The deployments a requested model may go to (aliases), for worst-case budget reservations. */
  resolveTargets?: (model: string) => ReadonlyArray<{ providerId: string; model: string }>;
  /** Reporting currencies: units per USD (`{ EUR: 0.92 }`), picked with `?currency=EUR`. */
  currencies?: Readonly<Record<string, number>>;
  /** Mounts `/admin/spend`, `/admin/ledger` and `/admin/budgets` guarded by this check. */
  authorizeAdmin?: (request: ServiceRequest) => void | Promise<void>;
  /** Budgets of a key by id, for `/admin/budgets?key=`. */
  keyBudgets?: (keyId: string) => Promise<readonly BudgetSpec[] | undefined>;
  logger?: Logger;
  now?: () => number;
}

export interface CostMiddleware extends Middleware {
  readonly prices: PriceTable;
  readonly budgets: Budgets | undefined;
  /** Flushes waiting ledger records. */
  flush(): Promise<void>;
}

/**
 * Cost accounting in one middleware: reserves the worst-case cost on every budget that applies before
 * the request runs, computes the exact cost from the usage the upstream reported when it ends, settles
 * or releases the reservation, and writes one ledger record per request, off the hot path.
 */
export function cost(options: CostOptions = {}): CostMiddleware {
  const { store, now = Date.now, logger } = options;
  // Key budgets come with the keys, so budgets are enforced whenever there is a store to hold them.
  const budgetOptions: BudgetOptions | undefined = options.budgets ?? (store ? {} : undefined);
  const prices = options.prices ?? createPriceTable();
  const log = options.ledger === false ? undefined : (options.ledger ?? createMemoryLog());
  const writer: LedgerWriter | undefined = log ? createLedgerWriter({ log, logger }) : undefined;
  const resolveTargets = options.resolveTargets ?? targetOfModelName;
  const failMode = budgetOptions?.failMode ?? 'closed';
  const defaultOutput = budgetOptions?.defaultMaxOutputTokens ?? 4096;
  const unknownPrice = budgetOptions?.unknownPrice ?? 'deny';
  const warnedUnpriced = new Set<string>();

  if (options.budgets && !store) throw new Error('cost: budgets need a store.');
  const budgets =
    budgetOptions && store
      ? createBudgets({ store, thresholds: budgetOptions.thresholds, now, onAlert: (alert) => raise(alert) })
      : undefined;

  function raise(alert: BudgetAlert): void {
    logger?.warn('budget threshold crossed', { ...alert });
    const webhook = budgetOptions?.webhook;
    if (!webhook) return;
    fetch(webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhook.headers },
      body: JSON.stringify(alert),
      signal: AbortSignal.timeout(5_000),
    })
      .then((response) => {
        if (!response.ok) logger?.error('budget alert webhook refused', { status: response.status });
        return response.body?.cancel();
      })
      .catch((error: unknown) => {
        logger?.error('budget alert webhook failed', { error: error instanceof Error ? error.name : 'error' });
      });
  }

  function applicable(context: GatewayContext): Budget[] {
    if (!budgetOptions) return [];
    const principal = context.state.principal;
    return selectBudgets(budgetOptions, {
      key: principal?.budgets ? { id: principal.keyId, specs: principal.budgets } : undefined,
      team: principal?.team,
      model: context.request.model,
      global: true,
    });
  }

  /** The most this request can cost on any deployment it may be sent to; undefined when one is unpriced. */
  function worstCase(context: GatewayContext): number | undefined {
    const input = inputTokenBound(context.request);
    const output = outputAllowance(context.request, defaultOutput);
    let worst = 0;
    const targets = resolveTargets(context.request.model);
    if (targets.length === 0) return undefined;
    for (const target of targets) {
      const entry = prices.lookup(target.providerId, target.model);
      if (!entry) return undefined;
      worst = Math.max(worst, worstCaseNano(input, output, entry.prices));
    }
    return worst;
  }

  async function reserve(context: GatewayContext, list: Budget[]): Promise<Reservation | undefined> {
    if (!budgets) return undefined;
    const amount = worstCase(context);
    if (amount === undefined) {
      if (unknownPrice === 'allow') {
        context.log.warn('budget not enforced: no price for the model', {
          requestId: context.requestId,
          model: context.request.model,
        });
        return undefined;
      }
      throw invalidRequest(
        `No price is known for "${context.request.model.slice(0, 200)}", so its budget cannot be enforced; add one under cost.prices.`,
        { code: 'price_unknown', param: 'model' },
      );
    }
    try {
      return await budgets.reserve(list, amount);
    } catch (error) {
      if (isGatewayError(error) && error.code === 'budget_exceeded') {
        context.log.warn('budget exceeded', { requestId: context.requestId, keyId: context.state.principal?.keyId });
        throw error;
      }
      if (failMode === 'open') {
        context.log.warn('budget not checked: store unavailable (failMode: open)', { requestId: context.requestId });
        context.responseHeaders['x-switchyard-budget'] = 'unavailable';
        return undefined;
      }
      throw new GatewayError({
        message: 'Budgets cannot be checked right now; try again shortly.',
        kind: 'unavailable',
        status: 503,
        code: 'budget_unavailable',
        retryable: true,
        cause: isGatewayError(error) ? error : undefined,
      });
    }
  }

  function finished(
    context: GatewayContext,
    arrivedAt: number,
    reservation: Reservation | undefined,
    outcome: FinishOutcome,
  ): void {
    const usage = context.usage;
    const result = context.result;
    const providerId = result?.providerId ?? context.route?.targets[0]?.providerId;
    const upstreamModel = result?.model ?? context.route?.targets[0]?.model;
    let costNano: number | null = 0;
    let estimated = false;
    let priceId: string | undefined;
    let tokens = usage ? billedTokens(usage) : undefined;
    const reachedUpstream = result !== undefined && result.source === 'provider';
    if (!usage && reachedUpstream && result.type === 'stream') {
      // A stream cut before the upstream reported usage: the input was billed, the output is unknown.
      estimated = true;
      const prompt = roughInputTokens(context.request);
      tokens = billedTokens({ prompt_tokens: prompt, completion_tokens: 0, total_tokens: prompt });
    }
    if (tokens && providerId !== undefined && upstreamModel !== undefined && result?.source === 'provider') {
      const entry = prices.lookup(providerId, upstreamModel);
      if (entry) {
        costNano = costOf(tokens, entry.prices).nanoUsd;
        priceId = entry.id;
      } else {
        costNano = null;
        const label = `${providerId}/${upstreamModel}`;
        if (!warnedUnpriced.has(label)) {
          warnedUnpriced.add(label);
          logger?.warn('no price for model; its cost is recorded as unknown', { model: label });
        }
      }
    }
    context.state.cost = { usd: costNano === null ? null : costNano / NANO_PER_USD, nanoUsd: costNano, estimated };
    const savedNano = result?.source === 'cache' ? savedByCache(result, providerId, upstreamModel) : undefined;

    if (reservation && budgets) {
      const settle = costNano !== null && costNano > 0 ? budgets.settle(reservation, costNano) : budgets.release(reservation);
      context.waitUntil(settle);
    }
    if (!writer) return;
    const principal = context.state.principal;
    const record: LedgerRecord = {
      requestId: context.requestId,
      time: new Date(arrivedAt).toISOString(),
      keyId: principal?.keyId,
      team: principal?.team,
      user: principal?.user,
      model: context.request.model,
      provider: providerId,
      deployment: providerId !== undefined && upstreamModel !== undefined ? `${providerId}/${upstreamModel}` : undefined,
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
      cachedTokens: tokens?.cacheRead ?? 0,
      cacheWriteTokens: (tokens?.cacheWrite ?? 0) + (tokens?.cacheWrite1h ?? 0),
      reasoningTokens: tokens?.reasoning ?? 0,
      costNano,
      costUsd: costNano === null ? null : costNano / NANO_PER_USD,
      estimated: estimated || undefined,
      price: priceId,
      latencyMs: Math.round(outcome.durationMs * 100) / 100,
      status: outcome.status,
      errorCode: outcome.error?.code ?? undefined,
      stream: result?.type === 'stream',
      aborted: outcome.aborted || undefined,
      cache: context.state.cache?.status,
      savedNano,
      savedUsd: savedNano === undefined ? undefined : savedNano / NANO_PER_USD,
      experiment: context.state.experiment?.name,
      variant: context.state.experiment?.variant,
    };
    writer.write(record);
  }

  /** What a cached completion would have cost from its upstream: its recorded usage at today's prices. */
  function savedByCache(result: GatewayResult, providerId: string | undefined, model: string | undefined): number | undefined {
    if (result.type !== 'completion' || providerId === undefined || model === undefined) return undefined;
    const usage = readUsage(result.body.value.usage);
    const entry = usage ? prices.lookup(providerId, model) : undefined;
    return usage && entry ? costOf(billedTokens(usage), entry.prices).nanoUsd : undefined;
  }

  const middleware: CostMiddleware = {
    name: 'cost',
    handlers: options.authorizeAdmin
      ? adminHandlers({
          log,
          flush: () => writer?.flush() ?? Promise.resolve(),
          budgets,
          budgetOptions,
          keyBudgets: options.keyBudgets,
          currencies: options.currencies ?? {},
          authorize: options.authorizeAdmin,
        })
      : [],
    prices,
    budgets,
    async handle(context, next) {
      const arrivedAt = now();
      const list = applicable(context);
      let reservation: Reservation | undefined;
      // Registered first, so requests refused by a budget are in the ledger too.
      context.onFinish((outcome) => finished(context, arrivedAt, reservation, outcome));
      if (list.length > 0) reservation = await reserve(context, list);
      await next();
    },
    async flush() {
      await writer?.flush();
    },
    async close() {
      await writer?.flush();
    },
  };
  return middleware;
}

/** The deployment a `provider/model` name points at; none for a bare name (an alias the router resolves). */
export function targetOfModelName(model: string): Array<{ providerId: string; model: string }> {
  const slash = model.indexOf('/');
  return slash === -1 ? [] : [{ providerId: model.slice(0, slash), model: model.slice(slash + 1) }];
}
