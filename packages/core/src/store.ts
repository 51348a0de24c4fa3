/**
 * Shared state for limits, budgets, caches and health. One interface, two implementations: the embedded
 * in-memory store (the default) and a Redis store for many gateway processes.
 *
 * Read-modify-write must be atomic across processes, so it is expressed as a script: a Lua body that a
 * Redis store runs with EVALSHA, and an equivalent JavaScript function that the in-memory store runs
 * synchronously (and so atomically) over the same keys.
 *
 * Result convention: a script returns a string, an integer, or a flat array of strings and integers, and
 * `local` must return exactly what Redis would hand back for the Lua body:
 * - a Lua number becomes an integer, truncated toward zero (`return 7.9` gives `7`, `return -2.5` gives `-2`):
 *   return fractions as strings (`tostring(x)`);
 * - `nil` and `false` become `null` (`true` becomes `1`); in an array, `false` is a `null` element and a
 *   `nil` ends the array (Lua tables stop at the first nil), so never put nil in a returned table;
 * - strings are returned as they are; no nested tables, no Lua tables with string keys (Redis drops them).
 * Keys: a script touches only the keys it is given (`KEYS` / `ScriptKeys`), never builds key names. In
 * Redis Cluster every key of one call must hash to the same slot: give them a common `{hash-tag}`
 * (`limits:{key-42}:rpm`, `limits:{key-42}:tpm`); the Redis store rejects a call whose keys do not.
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
