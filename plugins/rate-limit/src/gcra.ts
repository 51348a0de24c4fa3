import type { StoreScript } from '@switchyard/core';

/** Every limit here is per minute. */
export const PERIOD_MS = 60_000;

/**
 * GCRA (the generic cell rate algorithm) over several buckets at once: a request is admitted only if
 * every bucket has room, and then all of them are charged; otherwise none is. Each bucket stores its
 * "theoretical arrival time" (TAT): the moment it would be empty again. A bucket of `limit` per period
 * drains one unit every `period / limit` ms, and admits a cost `c` when `max(TAT, now) + c·T − now ≤ period`.
 *
 * KEYS: one per bucket. ARGV: now, then `limit, cost` per bucket.
 * Returns a flat array: admitted (1|0), then per bucket `remaining, resetMs, retryAfterMs`.
 */
export const admitScript: StoreScript<number[]> = {
  name: 'gcra-admit',
  lua: `
local now = tonumber(ARGV[1])
local period = ${PERIOD_MS}
local out = {1}
local tats = {}
for i = 1, #KEYS do
  local limit = tonumber(ARGV[2 * i])
  local cost = tonumber(ARGV[2 * i + 1])
  local interval = period / limit
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local nextTat = tat + cost * interval
  local retry = 0
  if nextTat - now > period then
    out[1] = 0
    retry = math.ceil(nextTat - period - now)
    nextTat = tat
  end
  tats[i] = nextTat
  out[#out + 1] = math.floor((period - (nextTat - now)) / interval + 1e-9)
  out[#out + 1] = math.ceil(nextTat - now)
  out[#out + 1] = retry
end
if out[1] == 1 then
  for i = 1, #KEYS do
    local ttl = math.ceil(tats[i] - now)
    if ttl > 0 then redis.call('SET', KEYS[i], tostring(tats[i]), 'PX', ttl) end
  end
end
return out
`,
  local(keys, args, _now) {
    const now = Number(args[0]);
    const out = [1];
    const tats: number[] = [];
    const count = (args.length - 1) / 2;
    for (let i = 0; i < count; i += 1) {
      const limit = Number(args[1 + 2 * i]);
      const cost = Number(args[2 + 2 * i]);
      const interval = PERIOD_MS / limit;
      const stored = keys.get(i);
      let tat = stored === undefined ? now : Number(stored);
      if (tat < now) tat = now;
      let nextTat = tat + cost * interval;
      let retry = 0;
      if (nextTat - now > PERIOD_MS) {
        out[0] = 0;
        retry = Math.ceil(nextTat - PERIOD_MS - now);
        nextTat = tat;
      }
      tats.push(nextTat);
      out.push(Math.floor((PERIOD_MS - (nextTat - now)) / interval + 1e-9), Math.ceil(nextTat - now), retry);
    }
    if (out[0] === 1) {
      for (const [i, tat] of tats.entries()) {
        const ttl = Math.ceil(tat - now);
        if (ttl > 0) keys.set(i, String(tat), ttl);
      }
    }
    return out;
  },
};

/**
 * Corrects token buckets once the real usage is known: moves each TAT by `delta` units (negative gives
 * tokens back), never below `now`. KEYS: buckets. ARGV: now, then `limit, delta` per bucket. Returns 1.
 */
export const adjustScript: StoreScript<number> = {
  name: 'gcra-adjust',
  lua: `
local now = tonumber(ARGV[1])
local period = ${PERIOD_MS}
for i = 1, #KEYS do
  local interval = period / tonumber(ARGV[2 * i])
  local delta = tonumber(ARGV[2 * i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  local nextTat = tat + delta * interval
  local ttl = math.ceil(nextTat - now)
  if ttl > 0 then redis.call('SET', KEYS[i], tostring(nextTat), 'PX', ttl) else redis.call('DEL', KEYS[i]) end
end
return 1
`,
  local(keys, args) {
    const now = Number(args[0]);
    const count = (args.length - 1) / 2;
    for (let i = 0; i < count; i += 1) {
      const interval = PERIOD_MS / Number(args[1 + 2 * i]);
      const delta = Number(args[2 + 2 * i]);
      const stored = keys.get(i);
      let tat = stored === undefined ? now : Number(stored);
      if (tat < now) tat = now;
      const nextTat = tat + delta * interval;
      const ttl = Math.ceil(nextTat - now);
      if (ttl > 0) keys.set(i, String(nextTat), ttl);
      else keys.delete(i);
    }
    return 1;
  },
};
