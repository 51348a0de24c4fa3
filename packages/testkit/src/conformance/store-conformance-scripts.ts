/**
 * Scripts the Store conformance suite runs. Each `local` returns exactly what Redis returns for its Lua
 * body (the result convention of `StoreScript`), so the same assertions hold for every store.
 */
import type { ConformanceStoreScript, ScriptResult } from './store-types.js';

/**
 * ARGV[1] names a shape; the script returns it. Covers the conversions Redis applies to Lua values:
 * numbers truncate toward zero, nil and false become null, true becomes 1, a false array element is null.
 */
export const shapesScript: ConformanceStoreScript<ScriptResult> = {
  name: 'conformance-shapes',
  lua: `
local shape = ARGV[1]
if shape == 'string' then return 'hello, wörld' end
if shape == 'integer' then return 42 end
if shape == 'negative' then return -7 end
if shape == 'fraction' then return 7.9 end
if shape == 'negative-fraction' then return -2.5 end
if shape == 'fraction-as-string' then return tostring(0.25) end
if shape == 'nil' then return nil end
if shape == 'false' then return false end
if shape == 'true' then return true end
if shape == 'array' then return {'a', 3, false, 'b'} end
if shape == 'empty-array' then return {} end
return redis.error_reply('unknown shape')
`,
  local(_keys, args) {
    switch (args[0]) {
      case 'string':
        return 'hello, wörld';
      case 'integer':
        return 42;
      case 'negative':
        return -7;
      case 'fraction':
        return Math.trunc(7.9);
      case 'negative-fraction':
        return Math.trunc(-2.5);
      case 'fraction-as-string':
        return String(0.25);
      case 'nil':
      case 'false':
        return null;
      case 'true':
        return 1;
      case 'array':
        return ['a', 3, null, 'b'];
      case 'empty-array':
        return [];
      default:
        throw new Error('unknown shape');
    }
  },
};

/** Read-modify-write with GET and SET (no INCR): loses updates unless the store runs it atomically. */
export const addScript: ConformanceStoreScript<number> = {
  name: 'conformance-add',
  lua: `
local value = tonumber(redis.call('GET', KEYS[1]) or '0') + tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(value))
return value
`,
  local(keys, args) {
    const value = Number(keys.get(0) ?? '0') + Number(args[0]);
    keys.set(0, String(value));
    return value;
  },
};

/** Returns the key's value, or null (GET of a missing key is false in Lua). */
export const readScript: ConformanceStoreScript<string | null> = {
  name: 'conformance-read',
  lua: `return redis.call('GET', KEYS[1])`,
  local(keys) {
    return keys.get(0) ?? null;
  },
};

/** ARGV: value, ttlMs. Writes KEYS[1] with the TTL and deletes KEYS[2]; returns 1. */
export const writeScript: ConformanceStoreScript<number> = {
  name: 'conformance-write',
  lua: `
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
redis.call('DEL', KEYS[2])
return 1
`,
  local(keys, args) {
    keys.set(0, args[0] ?? '', Number(args[1]));
    keys.delete(1);
    return 1;
  },
};

/**
 * ARGV: amount. Moves `amount` from KEYS[1] to KEYS[2] when KEYS[1] holds enough; returns
 * `{moved (1/0), from, to}`. Both keys must share a hash tag in Redis Cluster.
 */
export const transferScript: ConformanceStoreScript<number[]> = {
  name: 'conformance-transfer',
  lua: `
local from = tonumber(redis.call('GET', KEYS[1]) or '0')
local to = tonumber(redis.call('GET', KEYS[2]) or '0')
local amount = tonumber(ARGV[1])
if from < amount then return {0, from, to} end
redis.call('SET', KEYS[1], tostring(from - amount))
redis.call('SET', KEYS[2], tostring(to + amount))
return {1, from - amount, to + amount}
`,
  local(keys, args) {
    const from = Number(keys.get(0) ?? '0');
    const to = Number(keys.get(1) ?? '0');
    const amount = Number(args[0]);
    if (from < amount) return [0, from, to];
    keys.set(0, String(from - amount));
    keys.set(1, String(to + amount));
    return [1, from - amount, to + amount];
  },
};

export const storeConformanceScripts = { shapesScript, addScript, readScript, writeScript, transferScript };
