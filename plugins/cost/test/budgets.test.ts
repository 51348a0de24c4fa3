import { createMemoryStore, type Store } from '@switchyard/core';
import { isGatewayError } from '@switchyard/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Budget, type BudgetAlert, createBudgets, NANO_PER_USD } from '../src/index.js';

const dayBudget: Budget = { scope: 'key', id: 'k1', window: 'day', usd: 1 };
const limitNano = NANO_PER_USD;

/** A store whose every call yields to the fast-check scheduler first, so calls interleave in any order. */
function scheduledStore(store: Store, schedule: <T>(task: () => Promise<T>) => Promise<T>): Store {
  return {
    get: (key) => schedule(() => store.get(key)),
    set: (key, value, options) => schedule(() => store.set(key, value, options)),
    delete: (key) => schedule(() => store.delete(key)),
    increment: (key, by, options) => schedule(() => store.increment(key, by, options)),
    run: (script, keys, args) => schedule(() => store.run(script, keys, args)),
    close: () => store.close(),
  };
}

describe('reserve / settle / release', () => {
  it('never lets settled spend plus reservations pass the limit, whatever the interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(
          fc.record({
            reserve: fc.integer({ min: 1, max: Math.floor(limitNano / 3) }),
            actualShare: fc.double({ min: 0, max: 1, noNaN: true }),
            fails: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (scheduler, requests) => {
          const memory = createMemoryStore();
          const store = scheduledStore(memory, (task) => scheduler.schedule(Promise.resolve(), 'store').then(task));
          const budgets = createBudgets({ store });
          let settledTotal = 0;
          const runs = requests.map(async ({ reserve, actualShare, fails }) => {
            let reservation: Awaited<ReturnType<typeof budgets.reserve>>;
            try {
              reservation = await budgets.reserve([dayBudget], reserve);
            } catch (error) {
              if (isGatewayError(error) && error.code === 'budget_exceeded') return;
              throw error;
            }
            if (fails) {
              await budgets.release(reservation);
              return;
            }
            const actual = Math.floor(reserve * actualShare);
            await budgets.settle(reservation, actual);
            settledTotal += actual;
          });
          await scheduler.waitFor(Promise.all(runs));
          const [status] = await createBudgets({ store: memory }).status([dayBudget]);
          expect(status?.reservedUsd).toBe(0);
          expect(Math.round((status?.spentUsd ?? 0) * NANO_PER_USD)).toBe(settledTotal);
          expect(settledTotal).toBeLessThanOrEqual(limitNano);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses with 429 budget_exceeded naming the budget, and holds reservations of requests in flight', async () => {
    const budgets = createBudgets({ store: createMemoryStore() });
    const first = await budgets.reserve([dayBudget], 0.6 * limitNano);
    await expect(budgets.reserve([dayBudget], 0.6 * limitNano)).rejects.toMatchObject({
      status: 429,
      code: 'budget_exceeded',
      retryable: false,
      message: expect.stringContaining('the daily budget of $1 for key k1'),
    });
    await budgets.settle(first, 0.1 * limitNano);
    await expect(budgets.reserve([dayBudget], 0.6 * limitNano)).resolves.toBeDefined();
  });

  it('checks every budget at once: one without room refuses the request and charges none', async () => {
    const store = createMemoryStore();
    const budgets = createBudgets({ store });
    const team: Budget = { scope: 'team', id: 'a', window: 'month', usd: 0.5 };
    await expect(budgets.reserve([dayBudget, team], 0.6 * limitNano)).rejects.toMatchObject({ code: 'budget_exceeded' });
    const [day, month] = await budgets.status([dayBudget, team]);
    expect(day?.reservedUsd).toBe(0);
    expect(month?.reservedUsd).toBe(0);
  });

  it('alerts once when a threshold is crossed, and keys windows by UTC day and month', async () => {
    const alerts: BudgetAlert[] = [];
    let now = Date.parse('2026-11-23T23:59:59Z');
    const budgets = createBudgets({
      store: createMemoryStore(),
      thresholds: [0.5, 0.8],
      onAlert: (alert) => alerts.push(alert),
      now: () => now,
    });
    for (let i = 0; i < 10; i += 1) {
      const reservation = await budgets.reserve([dayBudget], 0.1 * limitNano);
      await budgets.settle(reservation, 0.09 * limitNano);
    }
    expect(alerts.map((alert) => alert.threshold)).toEqual([0.5, 0.8]);
    expect(alerts[0]).toMatchObject({ scope: 'key', id: 'k1', window: 'day', period: '2026-11-23', limitUsd: 1 });
    now += 1000;
    const [fresh] = await budgets.status([dayBudget]);
    expect(fresh).toMatchObject({ period: '2026-11-24', spentUsd: 0 });
  });
});
