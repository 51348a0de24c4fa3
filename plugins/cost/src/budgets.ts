import type { BudgetSpec, Store } from '@switchyard/core';
import { GatewayError } from '@switchyard/spec';
import { releaseScript, reserveScript, settleScript } from './budget-scripts.js';
import { NANO_PER_USD } from './compute-cost.js';

/** A budget that applies to a request: whose it is, its window and its limit. */
export interface Budget {
  scope: 'key' | 'team' | 'model' | 'global';
  id: string;
  window: 'day' | 'month';
  usd: number;
}

/** Which budgets to list: a key's own (with its specs), a team's, a model's, and the global ones. */
export interface BudgetSelection {
  key?: { id: string; specs: readonly BudgetSpec[] };
  team?: string;
  model?: string;
  global?: boolean;
}

/** The configured budgets that a selection names, as `Budget`s. */
export function selectBudgets(
  configured: {
    teams?: Readonly<Record<string, readonly BudgetSpec[]>>;
    models?: Readonly<Record<string, readonly BudgetSpec[]>>;
    global?: readonly BudgetSpec[];
  },
  { key, team, model, global }: BudgetSelection,
): Budget[] {
  const list: Budget[] = [];
  for (const spec of key?.specs ?? []) list.push({ scope: 'key', id: key?.id ?? '', ...spec });
  if (team) for (const spec of configured.teams?.[team] ?? []) list.push({ scope: 'team', id: team, ...spec });
  if (model) for (const spec of configured.models?.[model] ?? []) list.push({ scope: 'model', id: model, ...spec });
  if (global) for (const spec of configured.global ?? []) list.push({ scope: 'global', id: 'all', ...spec });
  return list;
}

export interface BudgetAlert {
  type: 'budget.threshold';
  scope: Budget['scope'];
  id: string;
  window: Budget['window'];
  period: string;
  threshold: number;
  limitUsd: number;
  spentUsd: number;
}

export interface BudgetStatus extends Budget {
  period: string;
  spentUsd: number;
  reservedUsd: number;
  remainingUsd: number;
}

/** What a reservation holds until it is settled or released (keys are fixed at reservation time). */
export interface Reservation {
  readonly budgets: readonly Budget[];
  readonly keys: readonly string[];
  readonly periods: readonly string[];
  readonly amountNano: number;
}

export interface BudgetsOptions {
  store: Store;
  /** Fractions of a budget whose crossing raises an alert. Default `[0.8]`. */
  thresholds?: readonly number[];
  onAlert?: (alert: BudgetAlert) => void;
  now?: () => number;
}

/** Budget counters are kept 35 days past their window so reports can read them. */
const KEEP_MS = 35 * 24 * 3600 * 1000;

let periodDay = -1;
let periodDayText = '';

export function periodOf(window: Budget['window'], at: number): string {
  // One date format per UTC day, not per request.
  const day = Math.floor(at / 86_400_000);
  if (day !== periodDay) {
    periodDay = day;
    periodDayText = new Date(day * 86_400_000).toISOString().slice(0, 10);
  }
  return window === 'day' ? periodDayText : periodDayText.slice(0, 7);
}

function keysOf(budget: Budget, period: string): [string, string] {
  const base = `budget:{b}:${budget.scope}:${budget.id}:${budget.window}:${period}`;
  return [`${base}:spent`, `${base}:reserved`];
}

const toNano = (usd: number) => Math.round(usd * NANO_PER_USD);

/**
 * Atomic budgets across instances: a request reserves its worst-case cost on every budget that applies
 * before it is sent, and the reservation is settled to the real cost (or released) when it ends. The sum
 * of settled costs and open reservations never passes a limit, so spend cannot overshoot under concurrency.
 */
export function createBudgets({ store, thresholds = [0.8], onAlert, now = Date.now }: BudgetsOptions) {
  return {
    /** Reserves `amountNano` on every budget, or throws 429 `budget_exceeded` naming the first one without room. */
    async reserve(budgets: readonly Budget[], amountNano: number): Promise<Reservation> {
      const at = now();
      const periods = budgets.map((budget) => periodOf(budget.window, at));
      const keys = budgets.flatMap((budget, index) => keysOf(budget, periods[index] ?? ''));
      const result = await store.run(reserveScript, keys, [
        String(amountNano),
        String(KEEP_MS),
        ...budgets.map((budget) => String(toNano(budget.usd))),
      ]);
      if (result[0] !== 1) {
        const failing = budgets[Number(result[1]) - 1];
        const spent = Number(result[2] ?? 0) / NANO_PER_USD;
        const reserved = Number(result[3] ?? 0) / NANO_PER_USD;
        throw new GatewayError({
          message: `Budget exceeded: the ${failing?.window === 'day' ? 'daily' : 'monthly'} budget of $${failing?.usd} for ${failing?.scope} ${failing?.id} has $${Math.max(0, (failing?.usd ?? 0) - spent - reserved).toFixed(6)} left (spent $${spent.toFixed(6)}, $${reserved.toFixed(6)} held by requests in flight); this request may cost up to $${(amountNano / NANO_PER_USD).toFixed(6)}.`,
          kind: 'rate_limit',
          status: 429,
          code: 'budget_exceeded',
          retryable: false,
        });
      }
      return { budgets, keys, periods, amountNano };
    },

    /** Moves a reservation to spent at `actualNano`, raising alerts for thresholds this request crossed. */
    async settle(reservation: Reservation, actualNano: number): Promise<void> {
      const result = await store.run(settleScript, reservation.keys, [
        String(reservation.amountNano),
        String(actualNano),
        String(KEEP_MS),
      ]);
      if (!onAlert) return;
      for (const [index, budget] of reservation.budgets.entries()) {
        const before = Number(result[index * 2] ?? 0);
        const after = Number(result[index * 2 + 1] ?? 0);
        const limit = toNano(budget.usd);
        for (const threshold of thresholds) {
          if (before < threshold * limit && after >= threshold * limit) {
            onAlert({
              type: 'budget.threshold',
              scope: budget.scope,
              id: budget.id,
              window: budget.window,
              period: reservation.periods[index] ?? '',
              threshold,
              limitUsd: budget.usd,
              spentUsd: after / NANO_PER_USD,
            });
          }
        }
      }
    },

    async release(reservation: Reservation): Promise<void> {
      await store.run(releaseScript, reservation.keys, [String(reservation.amountNano), String(KEEP_MS)]);
    },

    /** Current spend and reservations for budgets, in the window containing `at`. */
    async status(budgets: readonly Budget[], at = now()): Promise<BudgetStatus[]> {
      return Promise.all(
        budgets.map(async (budget) => {
          const period = periodOf(budget.window, at);
          const [spentKey, reservedKey] = keysOf(budget, period);
          const [spent, reserved] = await Promise.all([store.get(spentKey), store.get(reservedKey)]);
          const spentUsd = Number(spent ?? 0) / NANO_PER_USD;
          const reservedUsd = Number(reserved ?? 0) / NANO_PER_USD;
          return { ...budget, period, spentUsd, reservedUsd, remainingUsd: Math.max(0, budget.usd - spentUsd - reservedUsd) };
        }),
      );
    },
  };
}

export type Budgets = ReturnType<typeof createBudgets>;
