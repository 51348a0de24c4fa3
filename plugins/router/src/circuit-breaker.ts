import type { Store, StoreScript } from '@switchyard/core';
import type { BreakerConfig } from './route-schema.js';

/** Breaker state of one deployment, as stored (short keys: it is read on every attempt). */
interface BreakerState {
  /** closed | open | half */
  s: 'closed' | 'open' | 'half';
  /** consecutive counted failures */
  f: number;
  /** window start, total and failures */
  ws: number;
  wt: number;
  wf: number;
  /** open until (ms since epoch) */
  ou: number;
  /** consecutive openings (for the doubling cooldown) */
  n: number;
  /** probes in flight while half-open */
  p: number;
  /** half-open period number: a probe from an earlier period must not touch the current one */
  g: number;
}

export type BreakerOutcome = 'success' | 'failure' | 'neutral';

/** `probe` is the half-open period the attempt probes (0: not a probe). */
export type BreakerAdmission = { allowed: true; probe: number } | { allowed: false; retryAt: number };

const stateTtlMs = 24 * 60 * 60 * 1000;

function initialState(): BreakerState {
  return { s: 'closed', f: 0, ws: 0, wt: 0, wf: 0, ou: 0, n: 0, p: 0, g: 0 };
}

function readState(raw: string | undefined): BreakerState {
  if (raw === undefined) return initialState();
  try {
    return { ...initialState(), ...(JSON.parse(raw) as Partial<BreakerState>) };
  } catch {
    return initialState();
  }
}

/** ARGV: now, halfOpenProbes. Returns "allow", "probe:<period>" or "reject:<retryAt>". */
const acquireScript: StoreScript<string> = {
  name: 'switchyard-breaker-acquire',
  lua: `
local raw = redis.call('GET', KEYS[1])
if not raw then return 'allow' end
local st = cjson.decode(raw)
local now = tonumber(ARGV[1])
local probes = tonumber(ARGV[2])
if st.s == 'closed' then return 'allow' end
if st.s == 'open' then
  if now < st.ou then return 'reject:' .. st.ou end
  st.s = 'half'
  st.p = 0
  st.g = (st.g or 0) + 1
end
if st.p >= probes then return 'reject:' .. (now + 1000) end
st.p = st.p + 1
redis.call('SET', KEYS[1], cjson.encode(st), 'PX', ${stateTtlMs})
return 'probe:' .. st.g
`,
  local(keys, args) {
    const raw = keys.get(0);
    if (raw === undefined) return 'allow';
    const state = readState(raw);
    const now = Number(args[0]);
    const probes = Number(args[1]);
    if (state.s === 'closed') return 'allow';
    if (state.s === 'open') {
      if (now < state.ou) return `reject:${state.ou}`;
      state.s = 'half';
      state.p = 0;
      state.g += 1;
    }
    if (state.p >= probes) return `reject:${now + 1000}`;
    state.p += 1;
    keys.set(0, JSON.stringify(state), stateTtlMs);
    return `probe:${state.g}`;
  },
};

/**
 * ARGV: now, outcome, probe period (0: not a probe), consecutiveFailures, errorRate, minRequests, windowMs, cooldownMs,
 * maxCooldownMs. Returns the new state name.
 */
const recordScript: StoreScript<string> = {
  name: 'switchyard-breaker-record',
  lua: `
local raw = redis.call('GET', KEYS[1])
local outcome = ARGV[2]
-- a success or neutral outcome on a breaker that never failed changes nothing: no write on the healthy path
if not raw and outcome ~= 'failure' then return 'closed' end
local st
if raw then st = cjson.decode(raw) else st = {s='closed', f=0, ws=0, wt=0, wf=0, ou=0, n=0, p=0, g=0} end
local now = tonumber(ARGV[1])
local period = tonumber(ARGV[3])
-- only a probe of the current half-open period counts; a late one from an earlier period is ignored
local probe = period > 0 and st.s == 'half' and period == (st.g or 0)
if period > 0 and not probe then return st.s end
if probe and st.p > 0 then st.p = st.p - 1 end
local function open()
  st.n = st.n + 1
  st.s = 'open'
  st.ou = now + math.min(tonumber(ARGV[8]) * (2 ^ (st.n - 1)), tonumber(ARGV[9]))
  st.f = 0
  st.ws = now
  st.wt = 0
  st.wf = 0
  st.p = 0
end
if st.s == 'half' then
  if probe and outcome == 'success' then
    st = {s='closed', f=0, ws=now, wt=0, wf=0, ou=0, n=0, p=0, g=st.g}
  elseif probe and outcome == 'failure' then
    open()
  end
elseif st.s == 'closed' and outcome ~= 'neutral' then
  if outcome == 'success' and st.f == 0 and st.wf == 0 then return st.s end
  if now - st.ws > tonumber(ARGV[7]) then st.ws = now; st.wt = 0; st.wf = 0 end
  st.wt = st.wt + 1
  if outcome == 'failure' then
    st.f = st.f + 1
    st.wf = st.wf + 1
    if st.f >= tonumber(ARGV[4]) or (st.wt >= tonumber(ARGV[6]) and st.wf / st.wt >= tonumber(ARGV[5])) then open() end
  else
    st.f = 0
  end
end
redis.call('SET', KEYS[1], cjson.encode(st), 'PX', ${stateTtlMs})
return st.s
`,
  local(keys, args) {
    const raw = keys.get(0);
    // A success or neutral outcome on a breaker that never failed changes nothing: no write on the healthy path.
    if (raw === undefined && args[1] !== 'failure') return 'closed';
    let state = readState(raw);
    const [nowText, outcome, periodText, consecutive, errorRate, minRequests, windowMs, cooldownMs, maxCooldownMs] = args;
    const now = Number(nowText);
    const period = Number(periodText);
    // Only a probe of the current half-open period counts; a late one from an earlier period is ignored.
    const probe = period > 0 && state.s === 'half' && period === state.g;
    if (period > 0 && !probe) return state.s;
    if (probe && state.p > 0) state.p -= 1;
    const open = () => {
      state.n += 1;
      state.s = 'open';
      state.ou = now + Math.min(Number(cooldownMs) * 2 ** (state.n - 1), Number(maxCooldownMs));
      state.f = 0;
      state.ws = now;
      state.wt = 0;
      state.wf = 0;
      state.p = 0;
    };
    if (state.s === 'half') {
      if (probe && outcome === 'success') state = { ...initialState(), ws: now, g: state.g };
      else if (probe && outcome === 'failure') open();
    } else if (state.s === 'closed' && outcome !== 'neutral') {
      // The error-rate window only matters once something failed in it.
      if (outcome === 'success' && state.f === 0 && state.wf === 0) return state.s;
      if (now - state.ws > Number(windowMs)) {
        state.ws = now;
        state.wt = 0;
        state.wf = 0;
      }
      state.wt += 1;
      if (outcome === 'failure') {
        state.f += 1;
        state.wf += 1;
        if (state.f >= Number(consecutive) || (state.wt >= Number(minRequests) && state.wf / state.wt >= Number(errorRate)))
          open();
      } else {
        state.f = 0;
      }
    }
    keys.set(0, JSON.stringify(state), stateTtlMs);
    return state.s;
  },
};

export interface CircuitBreakers {
  /** Whether an attempt may go to the deployment now; a half-open breaker admits a few probes. */
  acquire(deploymentId: string): Promise<BreakerAdmission>;
  /**
   * Reports an attempt's outcome, passing the admission's `probe` period. Every acquired attempt reports
   * exactly once (probes release their slot).
   */
  record(deploymentId: string, outcome: BreakerOutcome, probe: number): Promise<void>;
}

/**
 * One breaker per deployment, kept in the Store so that processes sharing a Redis store share breaker
 * state. Closed → open after `consecutiveFailures` counted failures in a row, or an `errorRate` over
 * `windowMs` once `minRequests` were seen; open → half-open after the cooldown (doubling on each
 * consecutive opening, capped); half-open admits `halfOpenProbes` at a time; a probe's success closes it,
 * its failure opens it again, and a neutral outcome (a client error, an abort) just frees the slot.
 */
export function createCircuitBreakers(
  store: Store,
  {
    consecutiveFailures = 5,
    errorRate = 0.5,
    minRequests = 20,
    windowMs = 30_000,
    cooldownMs = 5_000,
    maxCooldownMs = 300_000,
    halfOpenProbes = 1,
  }: BreakerConfig = {},
  now: () => number = Date.now,
): CircuitBreakers {
  const key = (deploymentId: string) => `switchyard:breaker:${deploymentId}`;
  const settings = [consecutiveFailures, errorRate, minRequests, windowMs, cooldownMs, maxCooldownMs].map(String);
  return {
    // Breakers fail open: when the store cannot be reached, every deployment counts as healthy (and no
    // outcome is recorded) rather than failing requests that the upstream could serve.
    async acquire(deploymentId) {
      let answer: string;
      try {
        answer = await store.run(acquireScript, [key(deploymentId)], [String(now()), String(halfOpenProbes)]);
      } catch {
        return { allowed: true, probe: 0 };
      }
      if (answer === 'allow') return { allowed: true, probe: 0 };
      if (answer.startsWith('probe:')) return { allowed: true, probe: Number(answer.slice('probe:'.length)) };
      return { allowed: false, retryAt: Number(answer.slice('reject:'.length)) };
    },
    async record(deploymentId, outcome, probe) {
      await store
        .run(recordScript, [key(deploymentId)], [String(now()), outcome, String(probe), ...settings])
        .catch(() => undefined);
    },
  };
}
