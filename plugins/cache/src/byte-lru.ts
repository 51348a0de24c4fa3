interface Slot<T> {
  value: T;
  bytes: number;
  expiresAt: number;
}

/**
 * An in-process least-recently-used map bounded by the total size of its values (as the caller measures
 * them), with a per-entry expiry. A Map keeps the order: a read moves the entry to the end, eviction takes
 * from the front.
 */
export class ByteLru<T> {
  readonly #slots = new Map<string, Slot<T>>();
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;

  constructor(maxBytes: number, now: () => number = Date.now) {
    this.#maxBytes = maxBytes;
    this.#now = now;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#slots.size;
  }

  get(key: string): T | undefined {
    const slot = this.#slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.#now()) {
      this.delete(key);
      return undefined;
    }
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return slot.value;
  }

  /** Values larger than the whole budget are not kept. */
  set(key: string, value: T, bytes: number, expiresAt: number): void {
    this.delete(key);
    if (bytes > this.#maxBytes || expiresAt <= this.#now()) return;
    this.#slots.set(key, { value, bytes, expiresAt });
    this.#bytes += bytes;
    while (this.#bytes > this.#maxBytes) {
      const oldest = this.#slots.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
    }
  }

  delete(key: string): void {
    const slot = this.#slots.get(key);
    if (!slot) return;
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }

  clear(): void {
    this.#slots.clear();
    this.#bytes = 0;
  }
}
