/**
 * The `Store` contract of `@switchyard/core`, structurally (the testkit does not depend on core), so every core
 * `Store` is assignable to `ConformanceStore`, and every `ConformanceStoreScript` is a core `StoreScript`.
 */
export interface ConformanceScriptKeys {
  get(index: number): string | undefined;
  set(index: number, value: string, ttlMs?: number): void;
  delete(index: number): void;
}

export interface ConformanceStoreScript<TResult> {
  readonly name: string;
  readonly lua: string;
  local(keys: ConformanceScriptKeys, args: readonly string[], nowMs: number): TResult;
}

export interface ConformanceStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  increment(key: string, by?: number, options?: { ttlMs?: number }): Promise<number>;
  run<TResult>(script: ConformanceStoreScript<TResult>, keys: readonly string[], args: readonly string[]): Promise<TResult>;
  close(): Promise<void>;
}

/** What a script may return under the result convention (see `StoreScript` in `@switchyard/core`). */
export type ScriptResult = string | number | null | Array<string | number | null>;
