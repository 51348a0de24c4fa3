import type { Store } from '@switchyard/core';
import { ByteLru } from './byte-lru.js';
import { type CachedEntry, entrySize, parseEntry } from './cached-entry.js';
import type { OutageGuard } from './outage-guard.js';

export const entryStoreKey = (key: string) => `cache:entry:${key}`;

/**
 * Cached answers in two levels: an in-process LRU bounded by size (L1) in front of the Store (L2, shared
 * by every instance). Store failures count as misses (and are logged by the guard).
 */
export class EntryStore {
  readonly local: ByteLru<CachedEntry>;
  readonly #store: Store;
  readonly #guard: OutageGuard;
  readonly #now: () => number;

  constructor({ store, guard, maxBytes, now }: { store: Store; guard: OutageGuard; maxBytes: number; now: () => number }) {
    this.local = new ByteLru<CachedEntry>(maxBytes, now);
    this.#store = store;
    this.#guard = guard;
    this.#now = now;
  }

  async read(key: string): Promise<CachedEntry | undefined> {
    const local = this.local.get(key);
    if (local) return local;
    const text = await this.#guard.run(() => this.#store.get(entryStoreKey(key)), undefined);
    if (text === undefined) return undefined;
    const entry = parseEntry(text);
    if (!entry || entry.expiresAt <= this.#now()) return undefined;
    this.local.set(key, entry, entrySize(entry), entry.expiresAt);
    return entry;
  }

  /** Returns whether the Store took it (the LRU always does, size allowing). */
  async write(key: string, entry: CachedEntry): Promise<boolean> {
    this.local.set(key, entry, entrySize(entry), entry.expiresAt);
    const ttlMs = entry.expiresAt - this.#now();
    if (ttlMs <= 0) return false;
    return this.#guard.run(async () => {
      await this.#store.set(entryStoreKey(key), JSON.stringify(entry), { ttlMs });
      return true;
    }, false);
  }

  /** Purge: errors are the admin's to see, so they are not guarded. */
  async delete(key: string): Promise<void> {
    this.local.delete(key);
    await this.#store.delete(entryStoreKey(key));
  }
}
