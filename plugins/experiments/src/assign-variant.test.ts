import { describe, expect, it } from 'vitest';
import { bucketOf, pickVariant, sliceByWeight } from './assign-variant.js';

/** Upper 0.1 % point of the chi-square distribution (2 and 3 degrees of freedom). */
const chiSquare999 = { 2: 13.816, 3: 16.266 } as const;

function chiSquare(observed: readonly number[], expectedShares: readonly number[], total: number): number {
  return observed.reduce((sum, count, index) => {
    const expected = (expectedShares[index] ?? 0) * total;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
}

describe('bucketOf', () => {
  it('is a pure function of seed and unit, in [0, 1)', () => {
    expect(bucketOf('checkout', 'user-42')).toBe(bucketOf('checkout', 'user-42'));
    // Pinned: a change of the hash would silently reshuffle every running experiment.
    expect(bucketOf('checkout', 'user-42')).toBe(0.26704699671629584);
    expect(bucketOf('checkout', 'user-42')).not.toBe(bucketOf('checkout', 'user-43'));
    expect(bucketOf('checkout', 'user-42')).not.toBe(bucketOf('pricing', 'user-42'));
    for (let index = 0; index < 1000; index++) {
      const bucket = bucketOf('range', `u${index}`);
      expect(bucket).toBeGreaterThanOrEqual(0);
      expect(bucket).toBeLessThan(1);
    }
  });

  it('keeps seed and unit apart (no "ab"+"c" = "a"+"bc" collisions)', () => {
    expect(bucketOf('ab', 'c')).not.toBe(bucketOf('a', 'bc'));
  });

  it('gives the value SHA-256 defines', async () => {
    const { createHash } = await import('node:crypto');
    const digest = createHash('sha256').update('checkout\u0000user-42').digest();
    expect(bucketOf('checkout', 'user-42')).toBe(digest.readUIntBE(0, 6) / 2 ** 48);
  });
});

describe('sliceByWeight and pickVariant', () => {
  const variants = sliceByWeight([
    { name: 'a', weight: 5 },
    { name: 'b', weight: 3 },
    { name: 'c', weight: 2 },
  ]);

  it('cuts [0, 1) in declaration order, the last slice ending at exactly 1', () => {
    expect(variants.map((variant) => variant.upper)).toEqual([0.5, 0.8, 1]);
    expect(pickVariant(variants, 0).name).toBe('a');
    expect(pickVariant(variants, 0.4999).name).toBe('a');
    expect(pickVariant(variants, 0.5).name).toBe('b');
    expect(pickVariant(variants, 0.9999999).name).toBe('c');
  });

  it('never picks a variant of weight 0, wherever it is declared', () => {
    const sliced = sliceByWeight([
      { name: 'off-first', weight: 0 },
      { name: 'on', weight: 1 },
      { name: 'off-last', weight: 0 },
    ]);
    for (const bucket of [0, 0.3, 0.999999]) expect(pickVariant(sliced, bucket).name).toBe('on');
    expect(() => sliceByWeight([{ name: 'x', weight: 0 }])).toThrow(/weight above 0/);
  });

  it('matches the weights over 20,000 deterministic units (chi-square, 3 arms)', () => {
    const counts = [0, 0, 0];
    const total = 20_000;
    for (let index = 0; index < total; index++) {
      const picked = pickVariant(variants, bucketOf('weights-test', `user-${index}`));
      counts[variants.indexOf(picked)] = (counts[variants.indexOf(picked)] ?? 0) + 1;
    }
    const statistic = chiSquare(counts, [0.5, 0.3, 0.2], total);
    expect(statistic).toBeLessThan(chiSquare999[2]);
    // And the shares are close in plain terms too.
    expect((counts[0] ?? 0) / total).toBeCloseTo(0.5, 1);
  });

  it('distributes uniformly across 4 equal quarters for another seed and unit shape', () => {
    const quarters = sliceByWeight(['q1', 'q2', 'q3', 'q4'].map((name) => ({ name, weight: 1 })));
    const counts = [0, 0, 0, 0];
    const total = 20_000;
    for (let index = 0; index < total; index++) {
      const picked = pickVariant(quarters, bucketOf('other-seed', `${index}@example.com`));
      counts[quarters.indexOf(picked)] = (counts[quarters.indexOf(picked)] ?? 0) + 1;
    }
    expect(chiSquare(counts, [0.25, 0.25, 0.25, 0.25], total)).toBeLessThan(chiSquare999[3]);
  });

  it('assigns independently across experiments (seeds)', () => {
    // Units in arm "a" of one experiment land in the other experiment's arms by its weights, not all in one.
    const inA: string[] = [];
    for (let index = 0; inA.length < 4000; index++) {
      const unit = `user-${index}`;
      if (pickVariant(variants, bucketOf('first', unit)).name === 'a') inA.push(unit);
    }
    const halves = sliceByWeight([
      { name: 'x', weight: 1 },
      { name: 'y', weight: 1 },
    ]);
    const inX = inA.filter((unit) => pickVariant(halves, bucketOf('second', unit)).name === 'x').length;
    const statistic = chiSquare([inX, inA.length - inX], [0.5, 0.5], inA.length);
    expect(statistic).toBeLessThan(10.828); // chi-square(1) upper 0.1 % point
  });
});
