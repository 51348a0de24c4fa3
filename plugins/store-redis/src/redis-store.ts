import { type SetOptions, type Store, type StoreScript, silentLogger } from '@switchyard/core';
import { type Connection, openConnection, watchConnection } from './connect.js';
import { hashSlot } from './hash-slot.js';
import type { RedisStoreOptions } from './options.js';
import { ScriptCache } from './script-cache.js';
import { isCommandFault, replyCode, storeError, toStoreError } from './store-errors.js';

/** `increment` with a TTL: the TTL is set only when the counter is created, in the same atomic step. */
const incrementScript: StoreScript<number> = {
  name: 'switchyard-store-increment',
  lua: `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`,
  local() {
    throw new Error('Only the Redis store runs this script.');
  },
};

/**
 * The Store on Redis (standalone, Sentinel or Cluster, through ioredis).
 *
 * - Every call settles within `commandTimeoutMs` (default 250): with the value, or with a `GatewayError`
 *   (kind `unavailable`, status 503) coded `store_timeout` when Redis did not answer in time and
 *   `store_unavailable` for anything else. Middleware apply their fail policy to these.
 * - While the connection is down, calls fail at once (no offline queue); the client reconnects with capped
 *   exponential backoff, forever. Until the very first connection is ready, a call waits for it (within its
 *   timeout), so a store used right after creation works.
 * - Scripts run by `EVALSHA` with a locally computed SHA1 and are loaded only on `NOSCRIPT`.
 * - In Cluster mode a script's keys (after the prefix) must share a hash slot: use `{hash-tags}`. A call whose
 *   keys do not is rejected with a plain Error (a programming error, not an outage).
 */
export function createRedisStore({
  keyPrefix = 'switchyard:',
  commandTimeoutMs = 250,
  connectTimeoutMs = 2_000,
  maxReconnectDelayMs = 2_000,
  logger = silentLogger,
  ...options
}: RedisStoreOptions): Store {
  if (!Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0)
    throw new RangeError('commandTimeoutMs must be a positive number.');
  if (!Number.isFinite(maxReconnectDelayMs) || maxReconnectDelayMs < 50)
    throw new RangeError('maxReconnectDelayMs must be at least 50.');
  const connection: Connection = openConnection({ ...options, commandTimeoutMs, connectTimeoutMs, maxReconnectDelayMs });
  const { client } = connection;
  const watcher = watchConnection(connection, logger);
  const scripts = new ScriptCache(client);
  let closed = false;

  // Until the first connection is ready, calls wait for it (within their deadline) instead of failing.
  let firstReady: Promise<void> | undefined;
  if (client.status !== 'ready') {
    firstReady = new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('end', () => reject(storeError('store_unavailable')));
    });
    firstReady.catch(() => undefined);
  }

  /** `undefined` when a command may be sent now; otherwise a promise that settles when it may, or rejects. */
  const whenReady = (): Promise<void> | undefined => {
    if (closed) return Promise.reject(storeError('store_unavailable'));
    if (client.status === 'ready') return undefined;
    if (watcher.everReady() || client.status === 'end' || firstReady === undefined) {
      return Promise.reject(storeError('store_unavailable'));
    }
    return firstReady;
  };

  /** Runs one store operation under the deadline; every failure becomes the store's error. */
  const call = <T>(operation: string, work: (abandoned: () => boolean) => Promise<T>, scriptName?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        reject(storeError('store_timeout'));
      }, commandTimeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        if (timedOut) return;
        if (isCommandFault(error)) {
          logger.warn('redis store command failed', { operation, script: scriptName ?? null, reason: replyCode(error) });
        }
        reject(toStoreError(error));
      };
      const succeed = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      const abandoned = () => timedOut;
      const start = () => {
        // A caller that already gave up must not have its write applied later.
        if (!timedOut) work(abandoned).then(succeed, fail);
      };
      const ready = whenReady();
      if (ready === undefined) start();
      else ready.then(start, fail);
    });

  const prefixed = (key: string) => keyPrefix + key;

  return {
    get(key) {
      return call('get', async () => (await client.get(prefixed(key))) ?? undefined);
    },
    set(key, value, { ttlMs }: SetOptions = {}) {
      return call('set', async () => {
        if (ttlMs === undefined) await client.set(prefixed(key), value);
        // Already expired: the same as writing it and letting it lapse.
        else if (ttlMs <= 0) await client.del(prefixed(key));
        else await client.set(prefixed(key), value, 'PX', Math.ceil(ttlMs));
      });
    },
    delete(key) {
      return call('delete', async () => {
        await client.del(prefixed(key));
      });
    },
    increment(key, by = 1, { ttlMs }: SetOptions = {}) {
      if (!Number.isSafeInteger(by)) return Promise.reject(new RangeError('increment takes an integer step.'));
      if (ttlMs === undefined) return call('increment', () => client.incrby(prefixed(key), by));
      return call(
        'increment',
        async (abandoned) =>
          (await scripts.run(incrementScript, [prefixed(key)], [String(by), String(Math.ceil(ttlMs))], abandoned)) as number,
        incrementScript.name,
      );
    },
    run<TResult>(script: StoreScript<TResult>, keys: readonly string[], args: readonly string[]): Promise<TResult> {
      const fullKeys = keys.map(prefixed);
      if (connection.cluster) {
        const slot = fullKeys.length > 0 ? hashSlot(fullKeys[0] as string) : 0;
        if (fullKeys.some((key) => hashSlot(key) !== slot)) {
          return Promise.reject(
            new Error(
              `Store script '${script.name}' was given keys in different Redis Cluster hash slots; give them a common {hash-tag}.`,
            ),
          );
        }
      }
      return call('run', async (abandoned) => (await scripts.run(script, fullKeys, args, abandoned)) as TResult, script.name);
    },
    async close() {
      if (closed) return;
      closed = true;
      watcher.detach();
      if (!connection.owned) return;
      // QUIT lets replies in flight arrive; a server that does not answer is cut off after the timeout.
      const quit = client.quit().catch(() => undefined);
      const timer = new Promise<void>((resolve) => setTimeout(resolve, commandTimeoutMs).unref());
      await Promise.race([quit, timer]);
      client.disconnect();
    },
  };
}
