import { createHash } from 'node:crypto';
import type { StoreScript } from '@switchyard/core';
import { Cluster } from 'ioredis';
import type { RedisClient } from './connect.js';

/** Whether Redis answered that it does not know the script (never loaded, `SCRIPT FLUSH`, a restart, a failover). */
export function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Runs scripts by `EVALSHA` with the SHA1 computed here, once per script object. A script is loaded
 * (`SCRIPT LOAD`, on every master in a cluster) only when Redis answers `NOSCRIPT`, and concurrent calls
 * share that one load; the call is then repeated once.
 */
export class ScriptCache {
  readonly #shas = new WeakMap<StoreScript<unknown>, string>();
  readonly #loading = new Map<string, Promise<void>>();
  readonly #client: RedisClient;

  constructor(client: RedisClient) {
    this.#client = client;
  }

  sha(script: StoreScript<unknown>): string {
    let sha = this.#shas.get(script);
    if (sha === undefined) {
      sha = createHash('sha1').update(script.lua).digest('hex');
      this.#shas.set(script, sha);
    }
    return sha;
  }

  /**
   * `abandoned` tells whether the caller gave up (its deadline passed): after a NOSCRIPT nothing ran yet, so
   * an abandoned call is not repeated — a call reported as failed must not apply its writes later.
   */
  async run(
    script: StoreScript<unknown>,
    keys: readonly string[],
    args: readonly string[],
    abandoned: () => boolean = () => false,
  ): Promise<unknown> {
    const sha = this.sha(script);
    try {
      return await this.#client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
    }
    await this.#load(sha, script.lua);
    if (abandoned()) throw new Error('Abandoned after its deadline.');
    return this.#client.evalsha(sha, keys.length, ...keys, ...args);
  }

  #load(sha: string, lua: string): Promise<void> {
    let loading = this.#loading.get(sha);
    if (loading === undefined) {
      loading = this.#loadEverywhere(sha, lua).finally(() => this.#loading.delete(sha));
      this.#loading.set(sha, loading);
    }
    return loading;
  }

  async #loadEverywhere(sha: string, lua: string): Promise<void> {
    const targets = this.#client instanceof Cluster ? this.#client.nodes('master') : [this.#client];
    const loaded = await Promise.all(targets.map((target) => target.script('LOAD', lua) as Promise<unknown>));
    if (loaded.some((answer) => answer !== sha)) throw new Error('Redis answered SCRIPT LOAD with an unexpected SHA1.');
  }
}
