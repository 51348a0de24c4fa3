import type { ScriptKeys, SetOptions, Store, StoreScript } from './store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Entries kept at most; the oldest written are evicted first. */
  maxEntries?: number;
  /** Clock, replaceable in tests. */
  now?: () => number;
}

/**
 * The embedded store: a bounded map with per-key expiry. Everything runs synchronously inside one
 * process, which makes every operation, scripts included, atomic.
 */
export function createMemoryStore({ maxEntries = 100_000, now = Date.now }: MemoryStoreOptions = {}): Store {
  const entries = new Map<string, Entry>();

  const read = (key: string): string | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.value;
  };

  const write = (key: string, value: string, ttlMs?: number, keepExpiry = false): void => {
    const previous = keepExpiry ? entries.get(key) : undefined;
    entries.delete(key); // re-insert so the map's order is the write order
    const expiresAt = ttlMs !== undefined ? now() + ttlMs : (previous?.expiresAt ?? Number.POSITIVE_INFINITY);
    entries.set(key, { value, expiresAt });
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
  };

  return {
    async get(key) {
      return read(key);
    },
    async set(key, value, options: SetOptions = {}) {
      write(key, value, options.ttlMs);
    },
    async delete(key) {
      entries.delete(key);
    },
    async increment(key, by = 1, options: SetOptions = {}) {
      const current = read(key);
      const next = (current === undefined ? 0 : Number.parseInt(current, 10)) + by;
      write(key, String(next), current === undefined ? options.ttlMs : undefined, true);
      return next;
    },
    async run<TResult>(script: StoreScript<TResult>, keys: readonly string[], args: readonly string[]) {
      const view: ScriptKeys = {
        get: (index) => read(keyAt(keys, index)),
        set: (index, value, ttlMs) => write(keyAt(keys, index), value, ttlMs),
        delete: (index) => {
          entries.delete(keyAt(keys, index));
        },
      };
      return script.local(view, args, now());
    },
    async close() {
      entries.clear();
    },
  };
}

function keyAt(keys: readonly string[], index: number): string {
  const key = keys[index];
  if (key === undefined) throw new RangeError(`The script has no key at index ${index}.`);
  return key;
}
