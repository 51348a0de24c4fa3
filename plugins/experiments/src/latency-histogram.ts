/**
 * Latency histogram with log-spaced buckets: bucket i holds durations in [2^(i/8), 2^((i+1)/8)) ms, so
 * each bucket is 9 % wider than the one before and 160 buckets span 1 ms to 17 minutes (bucket 0 also
 * takes everything below 1 ms, the last one everything above). Counts add up across processes, which a
 * list of samples or a t-digest kept per process could not do in a plain key-value store.
 */
export const bucketsPerDoubling = 8;
export const bucketCount = 160;

export function latencyBucket(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  return Math.min(bucketCount - 1, Math.floor(Math.log2(durationMs) * bucketsPerDoubling));
}

export function bucketLowerMs(index: number): number {
  return index === 0 ? 0 : 2 ** (index / bucketsPerDoubling);
}

export function bucketUpperMs(index: number): number {
  return 2 ** ((index + 1) / bucketsPerDoubling);
}

/**
 * The q-quantile (0 < q ≤ 1) of the durations counted in `counts`, interpolated inside the bucket where
 * the cumulative count crosses q·n (geometrically, as the buckets are log-spaced). Error is well under a
 * bucket's width (9 %); undefined when nothing was counted.
 */
export function histogramQuantile(counts: readonly number[], quantile: number): number | undefined {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total <= 0) return undefined;
  const rank = quantile * total;
  let below = 0;
  for (const [index, count] of counts.entries()) {
    if (count <= 0) continue;
    if (below + count >= rank) {
      const fraction = Math.min(1, Math.max(0, (rank - below) / count));
      if (index === 0) return bucketUpperMs(0) * fraction;
      const lower = bucketLowerMs(index);
      return lower * (bucketUpperMs(index) / lower) ** fraction;
    }
    below += count;
  }
  return bucketUpperMs(counts.length - 1);
}
