/**
 * Shared state for limits, budgets, caches and health. One interface, two implementations: the embedded
 * in-memory store (the default) and a Redis store for many gateway processes.
 *
 * Read-modify-write must be atomic across processes, so it is expressed as a script: a Lua body that a
 * Redis store runs with EVALSHA, and an equivalent JavaScript function that the in-memory store runs
 * synchronously (and so atomically) over the same keys.
 */
export interface StoreScript<TResult> {
  /** A stable name, used for logs and for caching the script on the server. */
  readonly name: string;
  /** Lua source run by Redis with KEYS and ARGV. */
  readonly lua: string;
  /** The same logic over an in-memory view of the keys. */
  local(keys: ScriptKeys, args: readonly string[], nowMs: number): TResult;
}

/** What a local script may do to the keys it was given. */
export interface ScriptKeys {
  /** How many keys the script was given (Lua's `#KEYS`). */
  readonly count: number;
  get(index: number): string | undefined;
  set(index: number, value: string, ttlMs?: number): void;
  delete(index: number): void;
}

export interface SetOptions {
  /** Time to live in milliseconds; absent = no expiry. */
  ttlMs?: number;
}

export interface Store {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: SetOptions): Promise<void>;
  delete(key: string): Promise<void>;
  /** Adds `by` to an integer counter (created at 0) and returns the new value; `ttlMs` applies on creation. */
  increment(key: string, by?: number, options?: SetOptions): Promise<number>;
  /** Runs a script atomically over `keys`. */
  run<TResult>(script: StoreScript<TResult>, keys: readonly string[], args: readonly string[]): Promise<TResult>;
  close(): Promise<void>;
}

/**
 * An append-only log of strings shared by gateway instances (the spend ledger, audit trails). Kept to
 * `maxLength` entries: the oldest are dropped first, so offsets count from the oldest entry still kept.
 */
export interface AppendLog {
  append(entries: readonly string[]): Promise<void>;
  /** Up to `limit` entries from `offset` (0 = the oldest kept). */
  read(offset: number, limit: number): Promise<string[]>;
  length(): Promise<number>;
}
