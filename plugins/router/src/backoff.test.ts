import { describe, expect, it } from 'vitest';
import { fullJitterDelay } from './backoff.js';

const options = { baseMs: 100, capMs: 2_000 };
const attempts = [0, 1, 2, 3, 4, 5, 6];
const ceilingOf = (attempt: number) => Math.min(options.capMs, options.baseMs * 2 ** attempt);

describe('fullJitterDelay', () => {
  it('is zero when the random draw is zero', () => {
    for (const attempt of attempts) expect(fullJitterDelay(attempt, options, () => 0)).toBe(0);
  });

  it('is half the capped ceiling when the random draw is 0.5', () => {
    expect(attempts.map((attempt) => fullJitterDelay(attempt, options, () => 0.5))).toEqual([
      50, 100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('stays just under the capped ceiling when the random draw is 0.999', () => {
    expect(attempts.map((attempt) => fullJitterDelay(attempt, options, () => 0.999))).toEqual([
      99, 199, 399, 799, 1_598, 1_998, 1_998,
    ]);
    for (const attempt of attempts) expect(fullJitterDelay(attempt, options, () => 0.999)).toBeLessThan(ceilingOf(attempt));
  });

  it('spreads Math.random draws over [0, min(cap, base·2^attempt))', () => {
    for (const attempt of attempts) {
      const delays = Array.from({ length: 1_000 }, () => fullJitterDelay(attempt, options));
      for (const delay of delays) {
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceilingOf(attempt));
      }
      expect(new Set(delays).size).toBeGreaterThan(10);
    }
  });
});
