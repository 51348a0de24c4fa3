import type { Store } from '@switchyard/core';
import type { OutageGuard } from './outage-guard.js';

/**
 * Purging by model or tenant without an index of keys: versioned namespaces. Every exact key (and every
 * semantic partition) hashes in four generation counters from the Store: one for everything, one for the
 * tenant, one for the requested model, one for the pair. A purge increments the matching counter, so the
 * old entries can no longer be reached and expire by their TTL. Writes and purges are O(1) whatever the
 * cache size; no key set grows with the cache.
 *
 * The counters are read once per process and kept, together with the in-process LRU, until the purge
 * epoch changes: every purge increments `cache:epoch`, and each process re-reads it at most once per
 * `epochCheckMs`. A purge on one instance reaches the others' memory within that interval.
 */
const epochKey = 'cache:epoch';

export function generationKeys(tenant: string, model: string): string[] {
  const t = encodeURIComponent(tenant);
  const m = encodeURIComponent(model);
  return ['cache:gen:all', `cache:gen:t:${t}`, `cache:gen:m:${m}`, `cache:gen:tm:${t}:${m}`];
}

export interface NamespacesOptions {
  store: Store;
  guard: OutageGuard;
  epochCheckMs: number;
  /** Called when another process purged: drop every in-process copy. */
  onEpochChange(): void;
  now?: () => number;
}

export class Namespaces {
  readonly #store: Store;
  readonly #guard: OutageGuard;
  readonly #epochCheckMs: number;
  readonly #onEpochChange: () => void;
  readonly #now: () => number;
  readonly #generations = new Map<string, number>();
  #epoch: string | undefined;
  #epochCheckedAt = Number.NEGATIVE_INFINITY;
  #epochRead: Promise<void> | undefined;

  constructor({ store, guard, epochCheckMs, onEpochChange, now = Date.now }: NamespacesOptions) {
    this.#store = store;
    this.#guard = guard;
    this.#epochCheckMs = epochCheckMs;
    this.#onEpochChange = onEpochChange;
    this.#now = now;
  }

  /** Re-reads the purge epoch when the last read is older than `epochCheckMs` (one read in flight at most). */
  async checkEpoch(): Promise<void> {
    if (this.#now() - this.#epochCheckedAt < this.#epochCheckMs) return;
    this.#epochRead ??= this.#readEpoch().finally(() => {
      this.#epochRead = undefined;
    });
    await this.#epochRead;
  }

  async #readEpoch(): Promise<void> {
    const epoch = await this.#guard.run(() => this.#store.get(epochKey), null);
    if (epoch === null) return; // unreachable store: keep what we have and try again on the next request
    this.#epochCheckedAt = this.#now();
    if (epoch !== this.#epoch) {
      const first = this.#epoch === undefined;
      this.#epoch = epoch;
      this.#generations.clear();
      if (!first) this.#onEpochChange();
    }
  }

  /** The four generations for a tenant and model; `undefined` when the store cannot be read. */
  async generations(tenant: string, model: string): Promise<number[] | undefined> {
    const keys = generationKeys(tenant, model);
    const known: number[] = [];
    for (const key of keys) {
      const value = this.#generations.get(key);
      if (value === undefined) break;
      known.push(value);
    }
    if (known.length === keys.length) return known;
    const values = await this.#guard.run(() => Promise.all(keys.map((key) => this.#store.get(key))), undefined);
    if (values === undefined) return undefined;
    if (this.#generations.size > 10_000) this.#generations.clear();
    return keys.map((key, index) => {
      const generation = Number.parseInt(values[index] ?? '0', 10) || 0;
      this.#generations.set(key, generation);
      return generation;
    });
  }

  /** Starts a new namespace for what matches; both absent = everything. */
  async purge({ tenant, model }: { tenant?: string; model?: string }): Promise<void> {
    const [all, byTenant, byModel, byPair] = generationKeys(tenant ?? '', model ?? '');
    const key =
      tenant !== undefined && model !== undefined
        ? byPair
        : tenant !== undefined
          ? byTenant
          : model !== undefined
            ? byModel
            : all;
    await this.#store.increment(key as string);
    await this.bumpEpoch();
  }

  /** Tells every process (this one at once) to drop its in-process copies. */
  async bumpEpoch(): Promise<void> {
    const epoch = await this.#store.increment(epochKey);
    this.#generations.clear();
    this.#epoch = String(epoch);
    this.#epochCheckedAt = this.#now();
    this.#onEpochChange();
  }
}
