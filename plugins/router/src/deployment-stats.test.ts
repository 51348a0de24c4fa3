import { createMemoryStore } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { DeploymentStats } from './deployment-stats.js';

/** Stats and their store on one injected clock, starting at a minute boundary. */
function statsWithClock() {
  const clock = { time: 1_700_000_040_000 };
  const now = () => clock.time;
  const store = createMemoryStore({ now });
  return { clock, store, stats: new DeploymentStats(store, now) };
}

describe('DeploymentStats.admitRequest', () => {
  it('admits up to rpm requests in a minute, then refuses until the next minute', async () => {
    const { clock, stats } = statsWithClock();
    const answers: boolean[] = [];
    for (let index = 0; index < 4; index++) answers.push(await stats.admitRequest('openai/a', 3));
    expect(answers).toEqual([true, true, true, false]);
    clock.time += 59_999;
    expect(await stats.admitRequest('openai/a', 3)).toBe(false);
    clock.time += 1;
    expect(await stats.admitRequest('openai/a', 3)).toBe(true);
    expect(await stats.admitRequest('openai/a', 3)).toBe(true);
  });

  it('counts nothing for a refused request', async () => {
    const { stats } = statsWithClock();
    for (let index = 0; index < 2; index++) expect(await stats.admitRequest('openai/a', 2)).toBe(true);
    expect(await stats.admitRequest('openai/a', 2)).toBe(false);
    expect(await stats.admitRequest('openai/a', 2)).toBe(false);
    // Had the refusals counted, a limit of 3 would already be used up.
    expect(await stats.admitRequest('openai/a', 3)).toBe(true);
    expect(await stats.admitRequest('openai/a', 3)).toBe(false);
  });

  it('keeps a separate count per deployment', async () => {
    const { stats } = statsWithClock();
    expect(await stats.admitRequest('openai/a', 1)).toBe(true);
    expect(await stats.admitRequest('openai/a', 1)).toBe(false);
    expect(await stats.admitRequest('openai/b', 1)).toBe(true);
  });

  it('shares the count between instances on the same store', async () => {
    const { store, stats, clock } = statsWithClock();
    const other = new DeploymentStats(store, () => clock.time);
    expect(await stats.admitRequest('openai/a', 2)).toBe(true);
    expect(await other.admitRequest('openai/a', 2)).toBe(true);
    expect(await stats.admitRequest('openai/a', 2)).toBe(false);
  });
});

describe('DeploymentStats tokens', () => {
  it('is exhausted once the tokens added this minute reach tpm, and fresh the next minute', async () => {
    const { clock, stats } = statsWithClock();
    expect(await stats.tokensExhausted('openai/a', 1_000)).toBe(false);
    await stats.addTokens('openai/a', 600);
    expect(await stats.tokensExhausted('openai/a', 1_000)).toBe(false);
    await stats.addTokens('openai/a', 0);
    await stats.addTokens('openai/a', -500);
    expect(await stats.tokensExhausted('openai/a', 1_000)).toBe(false);
    await stats.addTokens('openai/a', 399);
    expect(await stats.tokensExhausted('openai/a', 1_000)).toBe(false);
    await stats.addTokens('openai/a', 1);
    expect(await stats.tokensExhausted('openai/a', 1_000)).toBe(true);
    expect(await stats.tokensExhausted('openai/b', 1_000)).toBe(false);
    clock.time += 60_000;
    expect(await stats.tokensExhausted('openai/a', 1_000)).toBe(false);
  });
});

describe('DeploymentStats latency', () => {
  it('keeps an exponentially weighted average (0.8 old, 0.2 new)', () => {
    const { stats } = statsWithClock();
    expect(stats.latencyMs('openai/a')).toBeUndefined();
    stats.recordLatency('openai/a', 100);
    expect(stats.latencyMs('openai/a')).toBe(100);
    stats.recordLatency('openai/a', 200);
    expect(stats.latencyMs('openai/a')).toBeCloseTo(120, 10);
    stats.recordLatency('openai/a', 200);
    expect(stats.latencyMs('openai/a')).toBeCloseTo(136, 10);
    expect(stats.latencyMs('openai/b')).toBeUndefined();
  });
});

describe('DeploymentStats in flight', () => {
  it('counts begun requests and never goes below zero', () => {
    const { stats } = statsWithClock();
    expect(stats.inFlight('openai/a')).toBe(0);
    stats.end('openai/a');
    expect(stats.inFlight('openai/a')).toBe(0);
    stats.begin('openai/a');
    stats.begin('openai/a');
    stats.begin('openai/b');
    expect(stats.inFlight('openai/a')).toBe(2);
    expect(stats.inFlight('openai/b')).toBe(1);
    stats.end('openai/a');
    stats.end('openai/a');
    stats.end('openai/a');
    expect(stats.inFlight('openai/a')).toBe(0);
    stats.begin('openai/a');
    expect(stats.inFlight('openai/a')).toBe(1);
  });
});
