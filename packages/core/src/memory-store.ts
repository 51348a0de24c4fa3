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
      return script.local(new MemoryScriptKeys(keys, read, write, entries), args, now());
    },
    async close() {
      entries.clear();
    },
  };
}

/** A script's view of its keys (a class: no closures per call on the hot path). */
class MemoryScriptKeys implements ScriptKeys {
  readonly #keys: readonly string[];
  readonly #read: (key: string) => string | undefined;
  readonly #write: (key: string, value: string, ttlMs?: number) => void;
  readonly #entries: Map<string, Entry>;

  constructor(
    keys: readonly string[],
    read: (key: string) => string | undefined,
    write: (key: string, value: string, ttlMs?: number) => void,
    entries: Map<string, Entry>,
  ) {
    this.#keys = keys;
    this.#read = read;
    this.#write = write;
    this.#entries = entries;
  }

  get count(): number {
    return this.#keys.length;
  }

  get(index: number): string | undefined {
    return this.#read(keyAt(this.#keys, index));
  }

  set(index: number, value: string, ttlMs?: number): void {
    this.#write(keyAt(this.#keys, index), value, ttlMs);
  }

  delete(index: number): void {
    this.#entries.delete(keyAt(this.#keys, index));
  }
}

function keyAt(keys: readonly string[], index: number): string {
  const key = keys[index];
  if (key === undefined) throw new RangeError(`The script has no key at index ${index}.`);
  return key;
}
