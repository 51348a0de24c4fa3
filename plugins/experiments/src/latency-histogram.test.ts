import { describe, expect, it } from 'vitest';
import { bucketCount, bucketLowerMs, bucketUpperMs, histogramQuantile, latencyBucket } from './latency-histogram.js';

function histogramOf(durations: readonly number[]): number[] {
  const counts = new Array<number>(bucketCount).fill(0);
  for (const duration of durations) counts[latencyBucket(duration)] = (counts[latencyBucket(duration)] ?? 0) + 1;
  return counts;
}

describe('latency histogram', () => {
  it('puts every duration in the bucket whose bounds hold it', () => {
    for (const duration of [1.5, 7, 42, 250, 999, 12_345, 300_000]) {
      const index = latencyBucket(duration);
      expect(bucketLowerMs(index)).toBeLessThanOrEqual(duration);
      expect(bucketUpperMs(index)).toBeGreaterThan(duration);
    }
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.3)).toBe(0);
    expect(latencyBucket(Number.NaN)).toBe(0);
    expect(latencyBucket(10 ** 9)).toBe(bucketCount - 1);
  });

  it('estimates quantiles within a bucket width (9 %)', () => {
    // 1,000 durations spread evenly from 100 to 1,099 ms: p50 ≈ 600, p95 ≈ 1050.
    const durations = Array.from({ length: 1000 }, (_, index) => 100 + index);
    const counts = histogramOf(durations);
    expect(histogramQuantile(counts, 0.5)).toBeGreaterThan(600 / 1.09);
    expect(histogramQuantile(counts, 0.5)).toBeLessThan(600 * 1.09);
    expect(histogramQuantile(counts, 0.95)).toBeGreaterThan(1050 / 1.09);
    expect(histogramQuantile(counts, 0.95)).toBeLessThan(1050 * 1.09);
  });

  it('follows a bimodal distribution', () => {
    const counts = histogramOf([...new Array(90).fill(20), ...new Array(10).fill(2000)]);
    expect(histogramQuantile(counts, 0.5)).toBeGreaterThan(18);
    expect(histogramQuantile(counts, 0.5)).toBeLessThan(22);
    expect(histogramQuantile(counts, 0.95)).toBeGreaterThan(1800);
    expect(histogramQuantile(counts, 0.95)).toBeLessThan(2200);
  });

  it('has no quantile without counts', () => {
    expect(histogramQuantile(new Array(bucketCount).fill(0), 0.5)).toBeUndefined();
  });
});
