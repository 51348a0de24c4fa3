/**
 * `defineStoreConformance(name, createStore)`: registers the Store contract as vitest tests, so every
 * implementation (the in-memory store, the Redis store, a third-party one) is held to the same behaviour:
 * values, TTL expiry, counters, deletes, scripts and their result convention, and atomicity under
 * concurrency.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addScript, readScript, shapesScript, transferScript, writeScript } from './store-conformance-scripts.js';
import type { ConformanceStore } from './store-types.js';

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Registers `<name> store conformance`. `createStore` is called once; the store is closed after the suite.
 * Keys are namespaced per run, so a shared server may hold other data. Multi-key scripts use keys with a
 * common `{hash-tag}`, as Redis Cluster requires.
 */
export function defineStoreConformance(name: string, createStore: () => Promise<ConformanceStore>): void {
  describe(`${name} store conformance`, () => {
    let current: ConformanceStore | undefined;
    const run = randomUUID().slice(0, 8);
    let counter = 0;
    /** A key no other test uses; `tag` puts keys in one hash slot. */
    const key = (label: string, tag?: string) =>
      `conformance:${run}:${tag === undefined ? '' : `{${tag}}:`}${label}:${counter++}`;
    const store = (): ConformanceStore => {
      if (current === undefined) throw new Error('The store under test was not created.');
      return current;
    };

    beforeAll(async () => {
      current = await createStore();
    });
    afterAll(async () => {
      await current?.close();
    });

    describe('values', () => {
      it('get of a key never written is undefined', async () => {
        expect(await store().get(key('missing'))).toBeUndefined();
      });

      it('set then get returns the value; set again replaces it; text is kept byte for byte', async () => {
        const k = key('value');
        await store().set(k, 'first');
        expect(await store().get(k)).toBe('first');
        await store().set(k, '');
        expect(await store().get(k)).toBe('');
        const text = 'ünïcødé ✓ 🚦 "quotes" \\ {json: [1, 2]}\n';
        await store().set(k, text);
        expect(await store().get(k)).toBe(text);
      });

      it('delete removes a key, and deleting a missing key is harmless', async () => {
        const k = key('delete');
        await store().set(k, 'x');
        await store().delete(k);
        expect(await store().get(k)).toBeUndefined();
        await expect(store().delete(k)).resolves.toBeUndefined();
      });
    });

    describe('expiry', () => {
      it('a value set with ttlMs is there before the TTL and gone after it', async () => {
        const k = key('ttl');
        await store().set(k, 'short-lived', { ttlMs: 200 });
        expect(await store().get(k)).toBe('short-lived');
        await sleep(450);
        expect(await store().get(k)).toBeUndefined();
      });

      it('set without ttlMs over a key with a TTL makes it permanent', async () => {
        const k = key('ttl-cleared');
        await store().set(k, 'a', { ttlMs: 150 });
        await store().set(k, 'b');
        await sleep(400);
        expect(await store().get(k)).toBe('b');
      });

      it('set with a new ttlMs replaces the old TTL', async () => {
        const k = key('ttl-replaced');
        await store().set(k, 'a', { ttlMs: 150 });
        await store().set(k, 'b', { ttlMs: 60_000 });
        await sleep(400);
        expect(await store().get(k)).toBe('b');
      });
    });

    describe('increment', () => {
      it('creates the counter at 0, adds 1 by default or the step given, and returns the new value', async () => {
        const k = key('counter');
        expect(await store().increment(k)).toBe(1);
        expect(await store().increment(k, 5)).toBe(6);
        expect(await store().increment(k, -10)).toBe(-4);
        expect(await store().get(k)).toBe('-4');
      });

      it('counts on from a value that was set as text', async () => {
        const k = key('counter-set');
        await store().set(k, '41');
        expect(await store().increment(k)).toBe(42);
      });

      it('applies ttlMs only when it creates the counter', async () => {
        const k = key('counter-ttl');
        expect(await store().increment(k, 1, { ttlMs: 350 })).toBe(1);
        await sleep(200);
        // Does not push the expiry out: the counter still lapses 350 ms after it was created.
        expect(await store().increment(k, 1, { ttlMs: 350 })).toBe(2);
        await sleep(300);
        expect(await store().get(k)).toBeUndefined();
        expect(await store().increment(k, 1, { ttlMs: 60_000 })).toBe(1);
      });

      it('keeps the TTL of an existing key when incremented without ttlMs', async () => {
        const k = key('counter-keeps-ttl');
        await store().set(k, '5', { ttlMs: 250 });
        expect(await store().increment(k)).toBe(6);
        await sleep(450);
        expect(await store().get(k)).toBeUndefined();
      });

      it('loses no update under 200 concurrent increments', async () => {
        const k = key('counter-concurrent');
        const results = await Promise.all(Array.from({ length: 200 }, () => store().increment(k)));
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
        expect(await store().get(k)).toBe('200');
      });
    });

    describe('scripts: result convention', () => {
      const cases: Array<[string, unknown]> = [
        ['string', 'hello, wörld'],
        ['integer', 42],
        ['negative', -7],
        ['fraction', 7],
        ['negative-fraction', -2],
        ['fraction-as-string', '0.25'],
        ['nil', null],
        ['false', null],
        ['true', 1],
        ['array', ['a', 3, null, 'b']],
        ['empty-array', []],
      ];
      for (const [shape, expected] of cases) {
        it(`a script returning ${shape} gives ${JSON.stringify(expected)}`, async () => {
          expect(await store().run(shapesScript, [], [shape])).toStrictEqual(expected);
        });
      }

      it('a script reading a missing key gets nil and returns null; a present key returns its text', async () => {
        const k = key('read');
        expect(await store().run(readScript, [k], [])).toBeNull();
        await store().set(k, 'there');
        expect(await store().run(readScript, [k], [])).toBe('there');
      });
    });

    describe('scripts: keys', () => {
      it('a script sees values written with set and its writes are seen by get', async () => {
        const from = key('from', 'transfer');
        const to = key('to', 'transfer');
        await store().set(from, '10');
        expect(await store().run(transferScript, [from, to], ['4'])).toEqual([1, 6, 4]);
        expect(await store().run(transferScript, [from, to], ['7'])).toEqual([0, 6, 4]);
        expect(await store().get(from)).toBe('6');
        expect(await store().get(to)).toBe('4');
      });

      it('a script may write with a TTL and delete', async () => {
        const written = key('written', 'write');
        const removed = key('removed', 'write');
        await store().set(removed, 'x');
        expect(await store().run(writeScript, [written, removed], ['v', '200'])).toBe(1);
        expect(await store().get(written)).toBe('v');
        expect(await store().get(removed)).toBeUndefined();
        await sleep(450);
        expect(await store().get(written)).toBeUndefined();
      });

      it('keys written by scripts and by increment are the same keys', async () => {
        const k = key('shared');
        await store().increment(k, 3);
        expect(await store().run(addScript, [k], ['2'])).toBe(5);
        expect(await store().increment(k)).toBe(6);
      });
    });

    describe('scripts: atomicity', () => {
      it('200 concurrent read-modify-write scripts lose no update', async () => {
        const k = key('atomic');
        const results = await Promise.all(Array.from({ length: 200 }, () => store().run(addScript, [k], ['1'])));
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
        expect(await store().get(k)).toBe('200');
      });

      it('concurrent transfers between two keys never overdraw and conserve the total', async () => {
        const from = key('from', 'conserve');
        const to = key('to', 'conserve');
        await store().set(from, '100');
        const results = await Promise.all(Array.from({ length: 150 }, () => store().run(transferScript, [from, to], ['1'])));
        expect(results.filter((result) => result[0] === 1)).toHaveLength(100);
        expect(await store().get(from)).toBe('0');
        expect(await store().get(to)).toBe('100');
      });
    });
  });
}
