import { createMemoryStore, type Store } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import type { ExperimentsConfigInput } from './config-schema.js';
import { experimentReport } from './experiment-report.js';
import { formatReport } from './format-report.js';
import { latencyBucket } from './latency-histogram.js';
import { twoProportionZTest, wilsonInterval } from './statistics.js';
import { excludedKey, variantKey } from './store-layout.js';

interface Seed {
  requests: number;
  errors?: number;
  aborted?: number;
  /** [duration ms, how many successful requests took it] */
  latency?: Array<[number, number]>;
  tokens?: { prompt: number; completion: number; count: number };
  cost?: { usd: number; count: number };
  scores?: number[];
  thumbs?: { up: number; down: number };
}

async function seed(store: Store, experiment: string, variant: string, values: Seed): Promise<void> {
  const set = (field: Parameters<typeof variantKey>[2], value: number) =>
    store.set(variantKey(experiment, variant, field), String(value));
  await set('requests', values.requests);
  await set('errors', values.errors ?? 0);
  await set('aborted', values.aborted ?? 0);
  let latencySum = 0;
  const buckets = new Map<number, number>();
  for (const [duration, count] of values.latency ?? []) {
    buckets.set(latencyBucket(duration), (buckets.get(latencyBucket(duration)) ?? 0) + count);
    latencySum += duration * count;
  }
  for (const [bucket, count] of buckets) await set(`lat:${bucket}`, count);
  await set('latencySumMs', latencySum);
  if (values.tokens) {
    await set('usageCount', values.tokens.count);
    await set('promptTokens', values.tokens.prompt);
    await set('completionTokens', values.tokens.completion);
  }
  if (values.cost) {
    await set('costCount', values.cost.count);
    await set('costUsd', values.cost.usd);
  }
  const scores = values.scores ?? [];
  const thumbs = values.thumbs ?? { up: 0, down: 0 };
  await set('scoreCount', scores.length);
  await set(
    'scoreSum',
    scores.reduce((sum, score) => sum + score, 0),
  );
  await set(
    'scoreSumSquares',
    scores.reduce((sum, score) => sum + score * score, 0),
  );
  await set('thumbsUp', thumbs.up);
  await set('thumbsDown', thumbs.down);
  await set('feedback', Math.max(scores.length, thumbs.up + thumbs.down));
}

const config = {
  test: {
    alias: 'chat',
    variants: { control: { model: 'alpha/small', weight: 1 }, treatment: { model: 'beta/large', weight: 1 } },
    control: 'control',
    decision: { successRateMargin: 0.05, latencyRatioMax: 1.2, minRequests: 100 },
  },
} satisfies ExperimentsConfigInput;

const successfulLatency = (requests: number, errors: number, ms: number): Array<[number, number]> => [[ms, requests - errors]];

describe('experimentReport', () => {
  it('summarises each variant with intervals and compares the treatment with control', async () => {
    const store = createMemoryStore();
    await seed(store, 'test', 'control', {
      requests: 1010,
      aborted: 10,
      errors: 40,
      latency: [
        [400, 480],
        [800, 480],
      ],
      tokens: { prompt: 50_000, completion: 20_000, count: 1000 },
      cost: { usd: 1.5, count: 1000 },
      scores: [4, 5, 3, 4, 4],
      thumbs: { up: 40, down: 10 },
    });
    await seed(store, 'test', 'treatment', {
      requests: 1000,
      errors: 30,
      latency: successfulLatency(1000, 30, 450),
      scores: [5, 5, 4, 5],
      thumbs: { up: 45, down: 5 },
    });
    await store.set(excludedKey('test'), '7');
    const report = await experimentReport(store, 'test', config, { now: Date.parse('2025-05-01T00:00:00Z') });

    expect(report).toMatchObject({ experiment: 'test', alias: 'chat', unit: 'user', control: 'control', status: 'running' });
    expect(report.excludedWithoutUnit).toBe(7);
    const [control, treatment] = report.variants;
    expect(control).toMatchObject({
      name: 'control',
      control: true,
      share: 0.5,
      requests: 1010,
      aborted: 10,
      completed: 1000,
      errors: 40,
    });
    expect(control?.errorRate).toEqual(wilsonInterval(40, 1000));
    // Half the successes at 400 ms and half at 800 ms: p50 sits at the top of the 400 ms bucket, p95 near 800.
    expect(control?.latencyMs?.p50).toBeGreaterThan(400);
    expect(control?.latencyMs?.p50).toBeLessThan(440);
    expect(control?.latencyMs?.p95).toBeGreaterThan(760);
    expect(control?.latencyMs?.p95).toBeLessThan(880);
    expect(control?.latencyMs?.mean).toBeCloseTo(600, 6);
    expect(control?.tokens).toEqual({ prompt: 50_000, completion: 20_000, meanPrompt: 50, meanCompletion: 20 });
    expect(control?.cost).toEqual({ usd: 1.5, counted: 1000, meanUsd: 0.0015 });
    expect(control?.feedback.score?.mean).toBeCloseTo(4, 12);
    expect(control?.feedback.score?.count).toBe(5);
    expect(control?.feedback.thumbs.upRate).toEqual(wilsonInterval(40, 50));

    const comparison = report.comparisons[0];
    expect(comparison?.variant).toBe('treatment');
    expect(comparison?.successRate?.difference.estimate).toBeCloseTo(0.97 - 0.96, 12);
    const z = twoProportionZTest(970, 1000, 960, 1000);
    expect(comparison?.successRate?.statistic).toBeCloseTo(z?.statistic ?? Number.NaN, 12);
    expect(comparison?.successRate?.pValue).toBeCloseTo(z?.pValue ?? Number.NaN, 12);
    expect(comparison?.thumbsUp?.difference.estimate).toBeCloseTo(0.9 - 0.8, 12);
    expect(comparison?.score?.difference.estimate).toBeCloseTo(4.75 - 4, 12);
    expect(comparison?.score?.degreesOfFreedom).toBeGreaterThan(1);
    expect(treatment?.model).toBe('beta/large');
    // 450 ms vs ~420 ms p50: within 1.2×; success rate better: the treatment wins.
    expect(comparison?.latencyP50Ratio).toBeLessThan(1.2);
    expect(comparison?.verdict).toBe('treatment-wins');
    expect(report.verdict).toMatchObject({ verdict: 'treatment-wins', winner: 'treatment' });
    expect(report.verdict.reason).toMatch(/no worse than −5 points/);
  });

  it('lets control win when the treatment is too slow', async () => {
    const store = createMemoryStore();
    await seed(store, 'test', 'control', { requests: 500, errors: 5, latency: successfulLatency(500, 5, 400) });
    await seed(store, 'test', 'treatment', { requests: 500, errors: 5, latency: successfulLatency(500, 5, 700) });
    const report = await experimentReport(store, 'test', config);
    expect(report.comparisons[0]?.verdict).toBe('control-wins');
    expect(report.verdict.verdict).toBe('control-wins');
    expect(report.verdict.reason).toMatch(/p50 latency \d+ ms is 1\.\d\d× control's \d+ ms \(> 1.2×\)/);
  });

  it('lets control win when the treatment fails clearly more often than the margin allows', async () => {
    const store = createMemoryStore();
    await seed(store, 'test', 'control', { requests: 2000, errors: 20, latency: successfulLatency(2000, 20, 400) });
    await seed(store, 'test', 'treatment', { requests: 2000, errors: 300, latency: successfulLatency(2000, 300, 400) });
    const report = await experimentReport(store, 'test', config);
    expect(report.comparisons[0]?.reasons[0]).toMatch(/^fail: success rate difference -14 points/);
    expect(report.verdict.verdict).toBe('control-wins');
  });

  it('stays inconclusive while the interval straddles the margin, or below the minimum of requests', async () => {
    const store = createMemoryStore();
    // 3 points worse on 300 requests: the interval reaches below −5 points and above it.
    await seed(store, 'test', 'control', { requests: 300, errors: 15, latency: successfulLatency(300, 15, 400) });
    await seed(store, 'test', 'treatment', { requests: 300, errors: 24, latency: successfulLatency(300, 24, 400) });
    const straddling = await experimentReport(store, 'test', config);
    expect(straddling.comparisons[0]?.reasons[0]).toMatch(/^unsure: /);
    expect(straddling.verdict.verdict).toBe('inconclusive');

    const small = createMemoryStore();
    await seed(small, 'test', 'control', { requests: 50, latency: successfulLatency(50, 0, 400) });
    await seed(small, 'test', 'treatment', { requests: 60, latency: successfulLatency(60, 0, 400) });
    const early = await experimentReport(small, 'test', config);
    expect(early.verdict).toMatchObject({ verdict: 'inconclusive' });
    expect(early.verdict.reason).toMatch(/needs 100 completed requests per arm \(control 50, treatment 60\)/);
  });

  it('applies a score margin once both arms have enough scores', async () => {
    const store = createMemoryStore();
    const withScores = {
      test: { ...config.test, decision: { ...config.test.decision, scoreMargin: 0.2, minFeedback: 20 } },
    } satisfies ExperimentsConfigInput;
    const scores = (mean: number) => Array.from({ length: 40 }, (_, index) => mean + ((index % 5) - 2) * 0.5);
    await seed(store, 'test', 'control', { requests: 500, latency: successfulLatency(500, 0, 400), scores: scores(4) });
    await seed(store, 'test', 'treatment', { requests: 500, latency: successfulLatency(500, 0, 400), scores: scores(3) });
    const report = await experimentReport(store, 'test', withScores);
    expect(report.comparisons[0]?.score?.difference.estimate).toBeCloseTo(-1, 12);
    expect(report.comparisons[0]?.reasons[2]).toMatch(/^fail: mean score difference -1 /);
    expect(report.verdict.verdict).toBe('control-wins');
  });

  it('reports an empty experiment without dividing by zero, and refuses unknown names', async () => {
    const store = createMemoryStore();
    const report = await experimentReport(store, 'test', config);
    expect(report.variants.map((variant) => variant.requests)).toEqual([0, 0]);
    expect(report.variants[0]?.errorRate).toBeUndefined();
    expect(report.variants[0]?.latencyMs).toBeUndefined();
    expect(report.comparisons[0]?.successRate).toBeUndefined();
    expect(report.verdict.verdict).toBe('inconclusive');
    expect(JSON.stringify(report)).not.toMatch(/NaN|null/);
    await expect(experimentReport(store, 'nope', config)).rejects.toMatchObject({ status: 404, code: 'experiment_not_found' });
    // A single experiment's config works too.
    expect((await experimentReport(store, 'test', config.test)).experiment).toBe('test');
  });
});

describe('formatReport', () => {
  it('renders the variants, the comparison and the verdict as a text table', async () => {
    const store = createMemoryStore();
    await seed(store, 'test', 'control', {
      requests: 1000,
      errors: 40,
      latency: successfulLatency(1000, 40, 400),
      cost: { usd: 1.5, count: 1000 },
      scores: [4, 5, 3],
      thumbs: { up: 8, down: 2 },
    });
    await seed(store, 'test', 'treatment', { requests: 1000, errors: 30, latency: successfulLatency(1000, 30, 420) });
    const text = formatReport(await experimentReport(store, 'test', config, { now: Date.parse('2025-05-01T00:00:00Z') }));
    const lines = text.split('\n');
    expect(lines[0]).toBe('Experiment test on "chat": running');
    expect(text).toContain('generated 2025-05-01T00:00:00.000Z');
    const header = lines.find((line) => line.startsWith('variant  '));
    expect(header).toMatch(/error rate \[95%\].*p50 ms.*p95 ms.*cost\/req.*score \[95%\].*thumbs up/);
    const controlRow = lines.find((line) => line.startsWith('control (control)'));
    expect(controlRow).toMatch(/50%\s+1000\s+4\.0% \[3\.0%, 5\.4%\]/);
    expect(controlRow).toContain('$0.00150');
    expect(controlRow).toContain('4 [1.52, 6.48] n=3');
    expect(controlRow).toContain('80.0% n=10');
    const comparisonRow = lines.find((line) => line.startsWith('treatment  ') && line.includes('treatment-wins'));
    expect(comparisonRow).toMatch(/\+1 \[-0\.\d, \+2\.\d\]/);
    expect(text).toMatch(/Verdict: treatment-wins \(treatment\)\nReason: treatment meets every criterion/);
  });
});
