import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries once over its byte budget', () => {
    const lru = new ByteLru<string>(100, () => 0);
    lru.set('a', 'A', 40, 1_000);
    lru.set('b', 'B', 40, 1_000);
    expect(lru.get('a')).toBe('A'); // a is now the most recent
    lru.set('c', 'C', 40, 1_000);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('A');
    expect(lru.get('c')).toBe('C');
    expect(lru.bytes).toBe(80);
  });

  it('does not keep a value larger than the whole budget, nor an expired one', () => {
    let now = 0;
    const lru = new ByteLru<string>(100, () => now);
    lru.set('big', 'x', 101, 1_000);
    expect(lru.size).toBe(0);
    lru.set('short', 'y', 10, 50);
    now = 49;
    expect(lru.get('short')).toBe('y');
    now = 50;
    expect(lru.get('short')).toBeUndefined();
    expect(lru.bytes).toBe(0);
  });

  it('accounts for replaced and deleted entries', () => {
    const lru = new ByteLru<string>(100, () => 0);
    lru.set('a', 'A', 30, 10);
    lru.set('a', 'A2', 50, 10);
    expect(lru.bytes).toBe(50);
    lru.delete('a');
    expect(lru.bytes).toBe(0);
  });
});
