import type { AppendLog, Store, StoreScript } from '@switchyard/core';

function redisOnly(): never {
  throw new Error('This append log needs the Redis store (createRedisStore); use createMemoryLog() with the in-memory store.');
}

/** ARGV: maxLength, entries… Appends and trims to the newest `maxLength`. Returns the new length. */
const appendScript: StoreScript<number> = {
  name: 'switchyard-log-append',
  lua: `
local length = redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
local max = tonumber(ARGV[1])
if length > max then
  redis.call('LTRIM', KEYS[1], length - max, -1)
  length = max
end
return length
`,
  local: redisOnly,
};

/** ARGV: offset, limit. */
const readScript: StoreScript<string[]> = {
  name: 'switchyard-log-read',
  lua: `return redis.call('LRANGE', KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[1]) + tonumber(ARGV[2]) - 1)`,
  local: redisOnly,
};

const lengthScript: StoreScript<number> = {
  name: 'switchyard-log-length',
  lua: `return redis.call('LLEN', KEYS[1])`,
  local: redisOnly,
};

/** Entries per script call: Lua's `unpack` has a stack limit, so big appends go in slices. */
const SLICE = 500;

/**
 * An append-only log in one Redis list, shared by every instance using the same Redis store (the spend
 * ledger across a fleet). Runs through the store, so it inherits its timeouts, key prefix and fail-fast
 * behaviour. Kept to `maxLength` entries (default 1,000,000), oldest dropped first.
 */
export function createRedisLog(
  store: Store,
  { key = 'ledger', maxLength = 1_000_000 }: { key?: string; maxLength?: number } = {},
): AppendLog {
  return {
    async append(entries) {
      for (let start = 0; start < entries.length; start += SLICE) {
        await store.run(appendScript, [key], [String(maxLength), ...entries.slice(start, start + SLICE)]);
      }
    },
    async read(offset, limit) {
      if (limit <= 0) return [];
      return store.run(readScript, [key], [String(offset), String(limit)]);
    },
    async length() {
      return store.run(lengthScript, [key], []);
    },
  };
}
