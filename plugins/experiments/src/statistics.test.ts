import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, studentTCdf, studentTQuantile, studentTTwoSided } from './special-functions.js';
import {
  meanInterval,
  momentsOf,
  normalCritical,
  proportionDifferenceInterval,
  twoProportionZTest,
  welchTTest,
  wilsonInterval,
} from './statistics.js';

function sums(values: readonly number[]) {
  return {
    count: values.length,
    sum: values.reduce((total, value) => total + value, 0),
    sumOfSquares: values.reduce((total, value) => total + value * value, 0),
  };
}

describe('distributions', () => {
  it('matches table values of the normal distribution', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 12);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 10);
    expect(normalCdf(-1.6448536269514722)).toBeCloseTo(0.05, 10);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 9);
    expect(normalCritical(0.99)).toBeCloseTo(2.5758293035489, 9);
  });

  it('matches closed forms and table values of Student t', () => {
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    for (const t of [-3, -0.5, 0, 1, 7]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 12);
    // df = 2: F(t) = 1/2 + t / (2 √(2 + t²)).
    for (const t of [-2, 0.3, 4]) expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 12);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 8);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.182446305283708, 8);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174707, 7);
    expect(studentTTwoSided(2.228138851986274, 10)).toBeCloseTo(0.05, 10);
  });
});

describe('Wilson score interval', () => {
  // Newcombe (1998), Statistics in Medicine 17:857–872, Table I, method 3 (score interval without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i/%i → %f to %f', (successes, trials, low, high) => {
    const interval = wilsonInterval(successes, trials);
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
    expect(interval?.estimate).toBeCloseTo(successes / trials, 12);
  });

  it('has no interval without trials and widens with confidence', () => {
    expect(wilsonInterval(0, 0)).toBeUndefined();
    const narrow = wilsonInterval(30, 100, 0.9);
    const wide = wilsonInterval(30, 100, 0.99);
    expect((wide?.high ?? 0) - (wide?.low ?? 0)).toBeGreaterThan((narrow?.high ?? 0) - (narrow?.low ?? 0));
  });
});

describe('difference of two proportions', () => {
  // Newcombe (1998), Statistics in Medicine 17:873–890, Table II, method 10 (hybrid score).
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [5, 56, 0, 29, -0.0381, 0.1926],
  ])('%i/%i − %i/%i → %f to %f', (x1, n1, x2, n2, low, high) => {
    const interval = proportionDifferenceInterval(x1, n1, x2, n2);
    expect(interval?.estimate).toBeCloseTo(x1 / n1 - x2 / n2, 12);
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('runs the pooled z-test', () => {
    // 56/70 vs 48/80: pooled p = 104/150, z = 0.2 / √(p(1−p)(1/70 + 1/80)) = 2.65017.
    const result = twoProportionZTest(56, 70, 48, 80);
    expect(result?.statistic).toBeCloseTo(2.6501719512585336, 10);
    expect(result?.pValue).toBeCloseTo(0.00804508136819656, 10);
    // Equal rates: z = 0, p = 1; identical all-success samples have no variance at all.
    expect(twoProportionZTest(30, 60, 50, 100)).toEqual({ statistic: 0, pValue: 1 });
    expect(twoProportionZTest(10, 10, 20, 20)).toEqual({ statistic: 0, pValue: 1 });
    expect(twoProportionZTest(1, 0, 1, 1)).toBeUndefined();
  });

  it('takes its p-value from the two-sided normal tail', () => {
    // Choose counts whose z is known: the p-value is the normal two-sided tail of z.
    const result = twoProportionZTest(60, 100, 45, 100);
    const z = result?.statistic ?? 0;
    expect(result?.pValue).toBeCloseTo(2 * (1 - normalCdf(Math.abs(z))), 10);
  });
});

describe('means', () => {
  // Cushny & Peebles' sleep data (R's `sleep`); R: t.test(extra ~ group, data = sleep) →
  // t = -1.8608, df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832.
  const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

  it('reproduces Welch’s test on the sleep data', () => {
    const first = momentsOf(sums(group1));
    const second = momentsOf(sums(group2));
    if (!first || !second) throw new Error('no moments');
    const result = welchTTest(first, second);
    expect(result?.statistic).toBeCloseTo(-1.8608134674868526, 8);
    expect(result?.degreesOfFreedom).toBeCloseTo(17.776473516178488, 8);
    expect(result?.pValue).toBeCloseTo(0.0793941401873583, 8);
    expect(result?.difference.low).toBeCloseTo(-3.3654832, 6);
    expect(result?.difference.high).toBeCloseTo(0.2054832, 6);
  });

  it('computes a t interval for one mean', () => {
    const moments = momentsOf(sums(group1));
    if (!moments) throw new Error('no moments');
    expect(moments.mean).toBeCloseTo(0.75, 12);
    // R: t.test(sleep$extra[1:10]) → 95% CI -0.5297804 2.0297804.
    const interval = meanInterval(moments);
    expect(interval?.low).toBeCloseTo(-0.5297804, 6);
    expect(interval?.high).toBeCloseTo(2.0297804, 6);
  });

  it('declines what cannot be tested', () => {
    expect(momentsOf({ count: 0, sum: 0, sumOfSquares: 0 })).toBeUndefined();
    const single = momentsOf(sums([4]));
    expect(single).toEqual({ count: 1, mean: 4, variance: 0 });
    if (!single) throw new Error('no moments');
    expect(meanInterval(single)).toBeUndefined();
    const constant = momentsOf(sums([3, 3, 3]));
    if (!constant) throw new Error('no moments');
    expect(welchTTest(single, constant)).toBeUndefined();
    expect(welchTTest(constant, constant)).toBeUndefined();
  });
});
