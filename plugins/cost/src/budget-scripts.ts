import type { StoreScript } from '@switchyard/core';

/**
 * Budget state is two integer counters per budget window, in nano-dollars: `spent` (settled cost) and
 * `reserved` (worst-case cost of requests in flight). KEYS come in pairs, `spent, reserved`, one pair per
 * budget. All budgets of a request are checked and changed in one script, so instances never overspend.
 */

/**
 * ARGV: amount, ttlMs, then one limit per budget. Reserves `amount` on every budget if each has room
 * (`spent + reserved + amount ≤ limit`). Returns `[1]`, or `[0, failingBudget (1-based), spent, reserved]`.
 */
export const reserveScript: StoreScript<number[]> = {
  name: 'budget-reserve',
  lua: `
local amount = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local n = #KEYS / 2
for i = 1, n do
  local spent = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local reserved = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  if spent + reserved + amount > tonumber(ARGV[2 + i]) then return {0, i, spent, reserved} end
end
for i = 1, n do
  redis.call('INCRBY', KEYS[2 * i], amount)
  redis.call('PEXPIRE', KEYS[2 * i], ttl)
end
return {1}
`,
  local(keys, args) {
    const amount = Number(args[0]);
    const ttl = Number(args[1]);
    const n = keys.count / 2;
    for (let i = 0; i < n; i += 1) {
      const spent = Number(keys.get(2 * i) ?? '0');
      const reserved = Number(keys.get(2 * i + 1) ?? '0');
      if (spent + reserved + amount > Number(args[2 + i])) return [0, i + 1, spent, reserved];
    }
    for (let i = 0; i < n; i += 1) keys.set(2 * i + 1, String(Number(keys.get(2 * i + 1) ?? '0') + amount), ttl);
    return [1];
  },
};

/**
 * ARGV: reservedAmount, actual, ttlMs. Moves a reservation to spent at its actual cost (reservation
 * released, actual added). Returns per budget `spentBefore, spentAfter`.
 */
export const settleScript: StoreScript<number[]> = {
  name: 'budget-settle',
  lua: `
local reservedAmount = tonumber(ARGV[1])
local actual = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local out = {}
for i = 1, #KEYS / 2 do
  local reserved = tonumber(redis.call('GET', KEYS[2 * i]) or '0') - reservedAmount
  if reserved < 0 then reserved = 0 end
  redis.call('SET', KEYS[2 * i], string.format('%d', reserved), 'PX', ttl)
  local before = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local after = before
  if actual > 0 then after = redis.call('INCRBY', KEYS[2 * i - 1], actual) end
  redis.call('PEXPIRE', KEYS[2 * i - 1], ttl)
  out[#out + 1] = before
  out[#out + 1] = after
end
return out
`,
  local(keys, args) {
    const reservedAmount = Number(args[0]);
    const actual = Number(args[1]);
    const ttl = Number(args[2]);
    const out: number[] = [];
    const n = keys.count / 2;
    for (let i = 0; i < n; i += 1) {
      const reserved = Math.max(0, Number(keys.get(2 * i + 1) ?? '0') - reservedAmount);
      keys.set(2 * i + 1, String(reserved), ttl);
      const before = Number(keys.get(2 * i) ?? '0');
      const after = before + Math.max(0, actual);
      keys.set(2 * i, String(after), ttl);
      out.push(before, after);
    }
    return out;
  },
};

/** ARGV: reservedAmount, ttlMs. Gives a reservation back (a request that failed or was refused). Returns 1. */
export const releaseScript: StoreScript<number> = {
  name: 'budget-release',
  lua: `
local amount = tonumber(ARGV[1])
for i = 1, #KEYS / 2 do
  local reserved = tonumber(redis.call('GET', KEYS[2 * i]) or '0') - amount
  if reserved < 0 then reserved = 0 end
  redis.call('SET', KEYS[2 * i], string.format('%d', reserved), 'PX', tonumber(ARGV[2]))
end
return 1
`,
  local(keys, args) {
    const amount = Number(args[0]);
    const n = keys.count / 2;
    for (let i = 0; i < n; i += 1) {
      keys.set(2 * i + 1, String(Math.max(0, Number(keys.get(2 * i + 1) ?? '0') - amount)), Number(args[1]));
    }
    return 1;
  },
};
