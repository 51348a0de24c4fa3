import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalise, SemanticIndex } from './semantic-index.js';

const vector = (...values: number[]) => {
  const result = Float32Array.from(values);
  normalise(result);
  return result;
};

describe('SemanticIndex', () => {
  it('finds the most similar entry above the threshold within the partition only', () => {
    const index = new SemanticIndex(10, () => 0);
    index.add('p1', 'north', vector(1, 0, 0), 1_000);
    index.add('p1', 'north-east', vector(1, 1, 0), 1_000);
    index.add('p2', 'exactly', vector(1, 0.1, 0), 1_000);
    const match = index.search('p1', vector(1, 0.1, 0), 0.9);
    expect(match?.key).toBe('north');
    expect(match?.similarity).toBeCloseTo(0.995, 3);
    expect(index.search('p1', vector(0, 0, 1), 0.5)).toBeUndefined();
    expect(index.search('p3', vector(1, 0, 0), 0.5)).toBeUndefined();
  });

  it('finds exactly what a brute-force scan finds (the early exit never skips a match)', () => {
    const unit = (dimensions: number) =>
      fc
        .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: dimensions, maxLength: dimensions })
        .filter((values) => values.some((value) => Math.abs(value) > 1e-3));
    fc.assert(
      fc.property(
        fc
          .integer({ min: 3, max: 40 })
          .chain((dimensions) =>
            fc.tuple(
              fc.array(unit(dimensions), { minLength: 1, maxLength: 30 }),
              unit(dimensions),
              fc.double({ min: -0.5, max: 0.99, noNaN: true }),
            ),
          ),
        ([stored, rawQuery, threshold]) => {
          const index = new SemanticIndex(100, () => 0);
          const vectors = stored.map((values) => vector(...values));
          vectors.forEach((item, at) => {
            index.add('p', `k${at}`, Float32Array.from(item), 1_000);
          });
          const query = vector(...rawQuery);
          let best = -Infinity;
          for (const item of vectors)
            best = Math.max(
              best,
              item.reduce((sum, value, at) => sum + value * (query[at] as number), 0),
            );
          const match = index.search('p', query, threshold);
          if (best >= threshold + 1e-5) expect(match?.similarity).toBeCloseTo(Math.min(1, best), 4);
          if (best < threshold - 1e-5) expect(match).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('skips expired entries', () => {
    let now = 0;
    const index = new SemanticIndex(10, () => now);
    index.add('p', 'k', vector(1, 0), 100);
    now = 100;
    expect(index.search('p', vector(1, 0), 0.5)).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest, and stays consistent after removals', () => {
    const index = new SemanticIndex(3, () => 0);
    for (let item = 0; item < 5; item++) index.add('p', `k${item}`, vector(1, item, 0), 1_000);
    expect(index.size).toBe(3);
    expect(index.has('k0')).toBe(false);
    expect(index.has('k1')).toBe(false);
    index.remove('k2');
    for (let item = 3; item < 5; item++) expect(index.search('p', vector(1, item, 0), 0.99999)?.key).toBe(`k${item}`);
  });

  it('replaces the vector of a key added again', () => {
    const index = new SemanticIndex(10, () => 0);
    index.add('p', 'k', vector(1, 0), 1_000);
    index.add('p', 'k', vector(0, 1), 1_000);
    expect(index.size).toBe(1);
    expect(index.search('p', vector(0, 1), 0.99)?.key).toBe('k');
    expect(index.search('p', vector(1, 0), 0.5)).toBeUndefined();
  });

  it('searches 10,000 entries of 1,536 dimensions well within a generous bound', () => {
    const dimensions = 1_536;
    const index = new SemanticIndex(10_000, () => 0);
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648 - 0.5;
    };
    for (let item = 0; item < 10_000; item++) {
      const values = new Float32Array(dimensions);
      for (let at = 0; at < dimensions; at++) values[at] = random();
      index.add('p', `k${item}`, values, 1_000);
    }
    const query = new Float32Array(dimensions);
    for (let at = 0; at < dimensions; at++) query[at] = random();
    normalise(query);
    const timings: number[] = [];
    for (let round = 0; round < 21; round++) {
      const started = performance.now();
      index.search('p', query, 0.99);
      timings.push(performance.now() - started);
    }
    timings.sort((left, right) => left - right);
    expect(timings[10]).toBeLessThan(50);
  });
});
