/**
 * Circuit breakers end to end (F15 and friends): the outage is served by the fallback, the open
 * primary only sees spaced probes, traffic returns after a successful probe, a non-retriable probe
 * result does not wedge half-open, and an all-open alias answers 503 `no_healthy_deployment`.
 */
import type { RecordedRequest } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createScope, gapsBetween, postChat, sleep } from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

const fallbackTargets = [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-mini' }];
const unavailable = { kind: 'error' as const, status: 503, message: 'The engine is currently overloaded' };

interface Served {
  status: number;
  deployment: string | null;
  skipped: string | null;
}

async function burst(baseURL: string, size: number): Promise<Served[]> {
  const responses = await Promise.all(Array.from({ length: size }, () => postChat(baseURL, { model: 'smart' })));
  return Promise.all(
    responses.map(async (response) => {
      await response.arrayBuffer();
      return {
        status: response.status,
        deployment: response.headers.get('x-switchyard-deployment'),
        skipped: response.headers.get('x-switchyard-skipped'),
      };
    }),
  );
}

async function setup(breaker: { consecutiveFailures: number; cooldownMs: number; maxCooldownMs?: number }) {
  const primary = await scope.fake();
  const backup = await scope.fake();
  const gateway = await scope.gateway({
    upstreams: { primary: primary.url, backup: backup.url },
    aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 0 } } },
    breaker: { halfOpenProbes: 1, ...breaker },
  });
  return { primary, backup, ...gateway };
}

describe('F15: flapping primary', () => {
  it('serves the outage from the fallback, probes the open primary sparingly, and returns once a probe succeeds', async () => {
    const cooldownMs = 300;
    const maxCooldownMs = 600;
    const burstSize = 4;
    const { primary, backup, baseURL } = await setup({ consecutiveFailures: 3, cooldownMs, maxCooldownMs });
    primary.script(...Array.from({ length: 500 }, () => unavailable));

    // Outage: bursts of concurrent requests every 50 ms for 1.5 s.
    const outage: Served[] = [];
    const outageStartedAt = Date.now();
    while (Date.now() - outageStartedAt < 1_500) {
      outage.push(...(await burst(baseURL, burstSize)));
      await sleep(50);
    }
    expect(outage.every((served) => served.status === 200 && served.deployment === 'backup/gpt-4o-mini')).toBe(true);
    expect(outage.some((served) => served.skipped === 'primary/gpt-4o=breaker-open')).toBe(true);
    const outageAttempts: RecordedRequest[] = [...primary.requests];
    // The first burst arrives while the breaker is closed; everything after it is a half-open probe.
    const probes = outageAttempts.slice(burstSize);
    const probeGaps = gapsBetween(probes);
    console.log(
      `[F15] outage: ${outage.length} requests, ${outageAttempts.length} primary attempts (${probes.length} probes, gaps ${probeGaps.join(', ')} ms)`,
    );
    expect(outageAttempts.length).toBeLessThanOrEqual(burstSize + Math.floor(1_500 / cooldownMs));
    // One probe at a time (halfOpenProbes 1), and a failed probe reopens the breaker for at least the cooldown.
    for (const gap of probeGaps) expect(gap).toBeGreaterThanOrEqual(cooldownMs - 20);
    expect(backup.requests).toHaveLength(outage.length);

    // Recovery: the primary answers again; traffic moves back once a probe succeeds.
    primary.reset();
    const recoveredAt = Date.now();
    let backOnPrimaryAfter: number | undefined;
    while (backOnPrimaryAfter === undefined && Date.now() - recoveredAt < maxCooldownMs + 1_000) {
      const served = await burst(baseURL, burstSize);
      expect(served.every((entry) => entry.status === 200)).toBe(true);
      if (served.some((entry) => entry.deployment === 'primary/gpt-4o')) backOnPrimaryAfter = Date.now() - recoveredAt;
      else await sleep(50);
    }
    console.log(`[F15] back on the primary ${backOnPrimaryAfter} ms after it recovered`);
    expect(backOnPrimaryAfter).toBeDefined();
    expect(backOnPrimaryAfter).toBeLessThanOrEqual(maxCooldownMs + 300);
    const afterwards = await burst(baseURL, burstSize);
    expect(afterwards.every((served) => served.deployment === 'primary/gpt-4o')).toBe(true);
  });

  it('does not wedge half-open when a probe ends with a non-retriable 400', async () => {
    const cooldownMs = 200;
    const { primary, backup, baseURL } = await setup({ consecutiveFailures: 2, cooldownMs });
    primary.script(unavailable, unavailable, {
      kind: 'error',
      status: 400,
      message: "Invalid value for 'temperature'.",
      param: 'temperature',
    });

    expect(await burst(baseURL, 1)).toMatchObject([{ status: 200, deployment: 'backup/gpt-4o-mini' }]);
    expect(await burst(baseURL, 1)).toMatchObject([{ status: 200, deployment: 'backup/gpt-4o-mini' }]);
    // Open: the primary is skipped, and the header says which deployment and why.
    expect(await burst(baseURL, 1)).toEqual([
      { status: 200, deployment: 'backup/gpt-4o-mini', skipped: 'primary/gpt-4o=breaker-open' },
    ]);
    expect(primary.requests).toHaveLength(2);

    await sleep(cooldownMs + 50);
    // The probe gets a 400: surfaced as is (no fallback for invalid requests), and the probe slot is freed.
    expect(await burst(baseURL, 1)).toEqual([
      { status: 400, deployment: null, skipped: 'backup/gpt-4o-mini=not-for-invalid_request' },
    ]);
    expect(primary.requests).toHaveLength(3);
    // The next request may probe at once; it succeeds and closes the breaker.
    expect(await burst(baseURL, 1)).toEqual([{ status: 200, deployment: 'primary/gpt-4o', skipped: null }]);
    expect(await burst(baseURL, 3)).toEqual(
      Array.from({ length: 3 }, () => ({ status: 200, deployment: 'primary/gpt-4o', skipped: null })),
    );
    expect(backup.requests).toHaveLength(3);
  });
  it('admits at most halfOpenProbes probes while half-open, even when the probe hangs', async () => {
    const cooldownMs = 200;
    const primary = await scope.fake();
    const backup = await scope.fake();
    const { baseURL } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 0 }, timeouts: { responseMs: 400 } } },
      breaker: { consecutiveFailures: 2, cooldownMs, halfOpenProbes: 1 },
    });
    primary.script(unavailable, unavailable, { kind: 'hang' }, { kind: 'hang' });
    await burst(baseURL, 1);
    await burst(baseURL, 1);
    expect(primary.requests).toHaveLength(2);

    await sleep(cooldownMs + 50);
    const served = await burst(baseURL, 10);
    expect(served.every((entry) => entry.status === 200 && entry.deployment === 'backup/gpt-4o-mini')).toBe(true);
    // One probe went to the (hanging) primary; the nine others were turned away while it was in flight.
    expect(primary.requests).toHaveLength(3);
    expect(served.filter((entry) => entry.skipped === 'primary/gpt-4o=breaker-open')).toHaveLength(9);
  });
});

describe('every breaker open', () => {
  it('answers 503 no_healthy_deployment with Retry-After, naming every skipped deployment, without calling upstreams', async () => {
    const cooldownMs = 30_000;
    const { primary, backup, baseURL } = await setup({ consecutiveFailures: 1, cooldownMs });
    primary.script(unavailable);
    backup.script(unavailable);

    const first = await postChat(baseURL, { model: 'smart' });
    expect(first.status).toBe(503);
    await first.arrayBuffer();

    const response = await postChat(baseURL, { model: 'smart' });
    const body = (await response.json()) as { error: { code: string } };
    expect(response.status).toBe(503);
    expect(body.error.code).toBe('no_healthy_deployment');
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(cooldownMs / 1_000 - 1);
    expect(retryAfter).toBeLessThanOrEqual(cooldownMs / 1_000);
    expect(response.headers.get('x-switchyard-skipped')).toBe('primary/gpt-4o=breaker-open, backup/gpt-4o-mini=breaker-open');
    expect(response.headers.get('x-switchyard-attempts')).toBe('0');
    expect([primary.requests.length, backup.requests.length]).toEqual([1, 1]);
  });
});
