import { createMemoryStore, type Store } from '@switchyard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BreakerAdmission, type BreakerOutcome, createCircuitBreakers } from './circuit-breaker.js';
import type { BreakerConfig } from './route-schema.js';

const deployment = 'openai/gpt-4o';

/** Breakers and their memory store on one injected clock. */
function breakersWithClock(config: BreakerConfig) {
  const clock = { time: 1_000_000 };
  const now = () => clock.time;
  const store = createMemoryStore({ now });
  return { clock, store, breakers: createCircuitBreakers(store, config, now) };
}

interface StoredState {
  s: string;
  p: number;
}

async function storedState(store: Store, deploymentId = deployment): Promise<StoredState | undefined> {
  const raw = await store.get(`switchyard:breaker:${deploymentId}`);
  return raw === undefined ? undefined : (JSON.parse(raw) as StoredState);
}

const allowed: BreakerAdmission = { allowed: true, probe: 0 };
/** A probe of some half-open period (periods are numbered from 1). */
const probe = { allowed: true, probe: expect.any(Number) };

/** The half-open period of a probe admission; fails the test for anything else. */
function periodOf(admission: BreakerAdmission): number {
  if (!admission.allowed || admission.probe < 1) throw new Error(`expected a probe admission, got ${JSON.stringify(admission)}`);
  return admission.probe;
}

describe('circuit breaker: closed', () => {
  it('opens after the configured number of consecutive failures', async () => {
    const { clock, breakers } = breakersWithClock({ consecutiveFailures: 3, minRequests: 1_000, cooldownMs: 5_000 });
    for (let index = 0; index < 2; index++) {
      expect(await breakers.acquire(deployment)).toEqual(allowed);
      await breakers.record(deployment, 'failure', 0);
    }
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    await breakers.record(deployment, 'failure', 0);
    expect(await breakers.acquire(deployment)).toEqual({ allowed: false, retryAt: clock.time + 5_000 });
  });

  it('resets the consecutive count on success', async () => {
    const { breakers } = breakersWithClock({ consecutiveFailures: 3, minRequests: 1_000 });
    const outcomes: BreakerOutcome[] = ['failure', 'failure', 'success', 'failure', 'failure'];
    for (const outcome of outcomes) await breakers.record(deployment, outcome, 0);
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    await breakers.record(deployment, 'failure', 0);
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });

  it('opens on the error rate once minRequests were seen', async () => {
    const { breakers } = breakersWithClock({ consecutiveFailures: 100, errorRate: 0.5, minRequests: 4 });
    const outcomes: BreakerOutcome[] = ['failure', 'success', 'failure'];
    for (const outcome of outcomes) await breakers.record(deployment, outcome, 0);
    // 2 of 3 failed, but fewer than minRequests were seen.
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    await breakers.record(deployment, 'success', 0);
    // 2 of 4: the rate is reached, but only a failure opens the breaker.
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    await breakers.record(deployment, 'failure', 0);
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });

  it('does not count neutral outcomes', async () => {
    const { breakers } = breakersWithClock({ consecutiveFailures: 100, errorRate: 0.5, minRequests: 3 });
    const outcomes: BreakerOutcome[] = ['failure', 'neutral', 'neutral', 'neutral', 'success'];
    for (const outcome of outcomes) await breakers.record(deployment, outcome, 0);
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    // Counted: failure, success, failure = 2 of 3. Neutrals counted as successes would make it 2 of 6.
    await breakers.record(deployment, 'failure', 0);
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });

  it('neither breaks nor resets a run of consecutive failures with neutral outcomes', async () => {
    const { breakers } = breakersWithClock({ consecutiveFailures: 2, minRequests: 1_000 });
    await breakers.record(deployment, 'failure', 0);
    for (let index = 0; index < 5; index++) await breakers.record(deployment, 'neutral', 0);
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    await breakers.record(deployment, 'failure', 0);
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });

  it('starts a new error-rate window after windowMs', async () => {
    const { clock, breakers } = breakersWithClock({ consecutiveFailures: 100, errorRate: 0.5, minRequests: 4, windowMs: 1_000 });
    const outcomes: BreakerOutcome[] = ['failure', 'success', 'failure'];
    for (const outcome of outcomes) await breakers.record(deployment, outcome, 0);
    clock.time += 1_001;
    // In the old window this would be 3 of 4 failed; in the new one it is 1 of 1.
    await breakers.record(deployment, 'failure', 0);
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    await breakers.record(deployment, 'success', 0);
    await breakers.record(deployment, 'success', 0);
    await breakers.record(deployment, 'failure', 0);
    // Now 2 of 4 within the new window.
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });

  it('keeps one breaker per deployment', async () => {
    const { breakers } = breakersWithClock({ consecutiveFailures: 1 });
    await breakers.record(deployment, 'failure', 0);
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
    expect(await breakers.acquire('azure/gpt-4o')).toEqual(allowed);
  });
});

describe('circuit breaker: open and half-open', () => {
  async function opened(config: BreakerConfig) {
    const context = breakersWithClock({ consecutiveFailures: 1, cooldownMs: 1_000, maxCooldownMs: 60_000, ...config });
    await context.breakers.record(deployment, 'failure', 0);
    return { ...context, openedAt: context.clock.time };
  }

  it('rejects until the cooldown has passed, with the time it ends', async () => {
    const { clock, breakers, openedAt } = await opened({});
    expect(await breakers.acquire(deployment)).toEqual({ allowed: false, retryAt: openedAt + 1_000 });
    clock.time = openedAt + 999;
    expect(await breakers.acquire(deployment)).toEqual({ allowed: false, retryAt: openedAt + 1_000 });
    clock.time = openedAt + 1_000;
    expect(await breakers.acquire(deployment)).toEqual(probe);
  });

  it('admits one probe at a time with halfOpenProbes 1', async () => {
    const { clock, breakers, openedAt } = await opened({ halfOpenProbes: 1 });
    clock.time = openedAt + 1_000;
    expect(await breakers.acquire(deployment)).toEqual(probe);
    expect(await breakers.acquire(deployment)).toEqual({ allowed: false, retryAt: clock.time + 1_000 });
  });

  it('admits as many concurrent probes as halfOpenProbes', async () => {
    const { clock, breakers, openedAt } = await opened({ halfOpenProbes: 2 });
    clock.time = openedAt + 1_000;
    const admissions = await Promise.all([1, 2, 3].map(() => breakers.acquire(deployment)));
    expect(admissions.filter((admission) => admission.allowed)).toEqual([probe, probe]);
    expect(admissions.filter((admission) => !admission.allowed)).toHaveLength(1);
  });

  it('closes when a probe succeeds', async () => {
    const { clock, store, breakers, openedAt } = await opened({});
    clock.time = openedAt + 1_000;
    const admission = await breakers.acquire(deployment);
    expect(admission).toEqual(probe);
    await breakers.record(deployment, 'success', periodOf(admission));
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    expect(await breakers.acquire(deployment)).toEqual(allowed);
    expect(await storedState(store)).toMatchObject({ s: 'closed', p: 0 });
  });

  it('reopens with a doubled cooldown when a probe fails, capped by maxCooldownMs', async () => {
    const { clock, breakers, openedAt } = await opened({ cooldownMs: 1_000, maxCooldownMs: 3_000 });
    clock.time = openedAt + 1_000;
    const cooldowns: number[] = [];
    for (let index = 0; index < 3; index++) {
      await breakers.record(deployment, 'failure', periodOf(await breakers.acquire(deployment)));
      const admission = await breakers.acquire(deployment);
      if (admission.allowed) throw new Error('expected the breaker to be open');
      cooldowns.push(admission.retryAt - clock.time);
      clock.time = admission.retryAt;
    }
    expect(cooldowns).toEqual([2_000, 3_000, 3_000]);
  });

  it('starts the cooldown over after a probe closed the breaker', async () => {
    const { clock, breakers, openedAt } = await opened({ cooldownMs: 1_000 });
    clock.time = openedAt + 1_000;
    await breakers.record(deployment, 'failure', periodOf(await breakers.acquire(deployment)));
    clock.time += 2_000;
    await breakers.record(deployment, 'success', periodOf(await breakers.acquire(deployment)));
    await breakers.record(deployment, 'failure', 0);
    expect(await breakers.acquire(deployment)).toEqual({ allowed: false, retryAt: clock.time + 1_000 });
  });

  it('frees the probe slot on a neutral probe outcome, without wedging half-open', async () => {
    const { clock, store, breakers, openedAt } = await opened({ halfOpenProbes: 1 });
    clock.time = openedAt + 1_000;
    await breakers.record(deployment, 'neutral', periodOf(await breakers.acquire(deployment)));
    expect(await storedState(store)).toMatchObject({ s: 'half', p: 0 });
    const admission = await breakers.acquire(deployment);
    expect(admission).toEqual(probe);
    await breakers.record(deployment, 'success', periodOf(admission));
    expect(await breakers.acquire(deployment)).toEqual(allowed);
  });

  it('ignores outcomes of attempts that were not probes while half-open', async () => {
    const { clock, store, breakers, openedAt } = await opened({ halfOpenProbes: 1 });
    clock.time = openedAt + 1_000;
    expect(await breakers.acquire(deployment)).toEqual(probe);
    await breakers.record(deployment, 'failure', 0);
    await breakers.record(deployment, 'success', 0);
    expect(await storedState(store)).toMatchObject({ s: 'half', p: 1 });
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });
});

describe('circuit breaker: probe accounting under interleaving', () => {
  type Step =
    | { kind: 'acquire' }
    | { kind: 'record'; pick: number; outcome: BreakerOutcome }
    | { kind: 'advance'; milliseconds: number };

  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.constant<Step>({ kind: 'acquire' }),
    fc.record({
      kind: fc.constant('record' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom<BreakerOutcome>('success', 'failure', 'neutral'),
    }),
    fc.record({ kind: fc.constant('advance' as const), milliseconds: fc.integer({ min: 0, max: 3_000 }) }),
  );

  it('never leaves probes in flight negative or above halfOpenProbes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 80 }), async (halfOpenProbes, steps) => {
        const { clock, store, breakers } = breakersWithClock({
          consecutiveFailures: 2,
          errorRate: 0.5,
          minRequests: 4,
          windowMs: 5_000,
          cooldownMs: 500,
          maxCooldownMs: 2_000,
          halfOpenProbes,
        });
        // Attempts admitted and not yet reported: each reports exactly once, in any order.
        const outstanding: number[] = [];
        for (const current of steps) {
          if (current.kind === 'acquire') {
            const admission = await breakers.acquire(deployment);
            if (admission.allowed) outstanding.push(admission.probe);
            else expect(admission.retryAt).toBeGreaterThan(clock.time);
          } else if (current.kind === 'record') {
            if (outstanding.length === 0) continue;
            const [wasProbe] = outstanding.splice(current.pick % outstanding.length, 1);
            await breakers.record(deployment, current.outcome, wasProbe ?? 0);
          } else {
            clock.time += current.milliseconds;
          }
          const state = await storedState(store);
          if (state === undefined) continue;
          expect(state.p).toBeGreaterThanOrEqual(0);
          expect(state.p).toBeLessThanOrEqual(halfOpenProbes);
          expect(['closed', 'open', 'half']).toContain(state.s);
          if (state.s !== 'half') expect(state.p).toBe(0);
        }
      }),
      { numRuns: 300, seed: 20_250_101 },
    );
  });
});

describe('circuit breaker: probes from an earlier half-open period', () => {
  it('ignores a late probe outcome, so no more than halfOpenProbes are ever in flight', async () => {
    const { clock, breakers } = breakersWithClock({
      consecutiveFailures: 1,
      cooldownMs: 100,
      maxCooldownMs: 100,
      halfOpenProbes: 2,
    });
    await breakers.record(deployment, 'failure', 0);
    clock.time += 100;
    const first = periodOf(await breakers.acquire(deployment));
    const late = periodOf(await breakers.acquire(deployment));
    await breakers.record(deployment, 'failure', first); // reopens
    clock.time += 100;
    const current = await breakers.acquire(deployment);
    expect(periodOf(current)).toBeGreaterThan(late);
    await breakers.record(deployment, 'neutral', late); // from the old period: must not free a slot
    expect((await breakers.acquire(deployment)).allowed).toBe(true);
    expect((await breakers.acquire(deployment)).allowed).toBe(false);
  });
});
