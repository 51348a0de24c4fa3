/**
 * The tests and intervals of the readout: Wilson score intervals for a proportion, Newcombe's hybrid
 * score interval and the pooled two-proportion z-test for a difference of proportions, Student t
 * intervals for a mean, and Welch's unequal-variance t-test for a difference of means.
 */
import { normalQuantile, normalTwoSided, studentTQuantile, studentTTwoSided } from './special-functions.js';

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** The two-sided critical value of the standard normal for a confidence level (0.95 → 1.959964). */
export function normalCritical(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/** Wilson's score interval for `successes` out of `trials`; undefined without trials. */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): Interval | undefined {
  if (trials <= 0) return undefined;
  const z = normalCritical(confidence);
  const p = successes / trials;
  const zz = z * z;
  const denominator = 1 + zz / trials;
  const center = (p + zz / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + zz / (4 * trials * trials));
  return { estimate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * Newcombe's hybrid score interval (his method 10) for p1 − p2, built from the two Wilson intervals. It
 * keeps its coverage for small counts and rates near 0 or 1, where the Wald interval fails.
 */
export function proportionDifferenceInterval(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  confidence = 0.95,
): Interval | undefined {
  const first = wilsonInterval(successes1, trials1, confidence);
  const second = wilsonInterval(successes2, trials2, confidence);
  if (!first || !second) return undefined;
  const difference = first.estimate - second.estimate;
  return {
    estimate: difference,
    low: difference - Math.hypot(first.estimate - first.low, second.high - second.estimate),
    high: difference + Math.hypot(first.high - first.estimate, second.estimate - second.low),
  };
}

export interface TestResult {
  /** The test statistic (z or t). */
  statistic: number;
  /** Two-sided p-value. */
  pValue: number;
}

/** Pooled two-proportion z-test of H0: p1 = p2. */
export function twoProportionZTest(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
): TestResult | undefined {
  if (trials1 <= 0 || trials2 <= 0) return undefined;
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  const difference = successes1 / trials1 - successes2 / trials2;
  if (standardError === 0) return { statistic: 0, pValue: 1 };
  const statistic = difference / standardError;
  return { statistic, pValue: normalTwoSided(statistic) };
}

/** A sample summarised by count, sum and sum of squares (what the store keeps). */
export interface SampleSums {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export interface SampleMoments {
  count: number;
  mean: number;
  /** Unbiased sample variance (n − 1); 0 for fewer than two values. */
  variance: number;
}

export function momentsOf({ count, sum, sumOfSquares }: SampleSums): SampleMoments | undefined {
  if (count <= 0) return undefined;
  const mean = sum / count;
  const variance = count < 2 ? 0 : Math.max(0, (sumOfSquares - (sum * sum) / count) / (count - 1));
  return { count, mean, variance };
}

/** Student t interval for a mean; undefined for fewer than two values. */
export function meanInterval(sample: SampleMoments, confidence = 0.95): Interval | undefined {
  if (sample.count < 2) return undefined;
  const half = studentTQuantile(1 - (1 - confidence) / 2, sample.count - 1) * Math.sqrt(sample.variance / sample.count);
  return { estimate: sample.mean, low: sample.mean - half, high: sample.mean + half };
}

export interface WelchResult extends TestResult {
  /** Welch–Satterthwaite degrees of freedom. */
  degreesOfFreedom: number;
  /** Interval for mean1 − mean2. */
  difference: Interval;
}

/** Welch's t-test of H0: mean1 = mean2 without assuming equal variances; needs two values per sample and some spread. */
export function welchTTest(first: SampleMoments, second: SampleMoments, confidence = 0.95): WelchResult | undefined {
  if (first.count < 2 || second.count < 2) return undefined;
  const share1 = first.variance / first.count;
  const share2 = second.variance / second.count;
  const standardError = Math.sqrt(share1 + share2);
  const estimate = first.mean - second.mean;
  // Both samples constant: there is no spread to test against.
  if (standardError === 0) return undefined;
  const degreesOfFreedom = (share1 + share2) ** 2 / (share1 ** 2 / (first.count - 1) + share2 ** 2 / (second.count - 1));
  const statistic = estimate / standardError;
  const half = studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom) * standardError;
  return {
    statistic,
    pValue: studentTTwoSided(statistic, degreesOfFreedom),
    degreesOfFreedom,
    difference: { estimate, low: estimate - half, high: estimate + half },
  };
}
