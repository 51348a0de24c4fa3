import type { StoreScript } from '@switchyard/core';
import { bucketCount } from './latency-histogram.js';

/**
 * Where an experiment's numbers live in the Store. Every key of one experiment shares the hash tag
 * `{<experiment>}`, so a Redis Cluster keeps them in one slot and one script may touch them all.
 *
 * Per variant (all plain numbers, added to with INCRBYFLOAT):
 * - `requests`, `aborted`, `errors`; `latencySumMs` and `lat:<bucket>` for successful requests;
 * - `usageCount`, `promptTokens`, `completionTokens`; `costCount`, `costUsd`;
 * - `feedback` (submissions), `scoreCount`, `scoreSum`, `scoreSumSquares`, `thumbsUp`, `thumbsDown`, `comments`.
 */
export const counterFields = [
  'requests',
  'aborted',
  'errors',
  'latencySumMs',
  'usageCount',
  'promptTokens',
  'completionTokens',
  'costCount',
  'costUsd',
  'feedback',
  'scoreCount',
  'scoreSum',
  'scoreSumSquares',
  'thumbsUp',
  'thumbsDown',
  'comments',
] as const;

export type CounterField = (typeof counterFields)[number];

const prefix = 'switchyard:experiments';

export function variantKey(experiment: string, variant: string, field: CounterField | `lat:${number}`): string {
  return `${prefix}:{${experiment}}:${variant}:${field}`;
}

export function excludedKey(experiment: string): string {
  return `${prefix}:{${experiment}}:excluded:no-unit`;
}

/** Which experiment and variant served a request, for feedback (no hash tag: feedback knows only the id). */
export function assignmentKey(requestId: string): string {
  return `${prefix}:request:${requestId}`;
}

/** Marks that a request's feedback was counted (same slot as the experiment's counters). */
export function feedbackKey(experiment: string, requestId: string): string {
  return `${prefix}:{${experiment}}:feedback:${requestId}`;
}

/** Every key the report reads for one variant: the counters, then the latency buckets. */
export function variantReadKeys(experiment: string, variant: string): string[] {
  const keys = counterFields.map((field) => variantKey(experiment, variant, field));
  for (let index = 0; index < bucketCount; index++) keys.push(variantKey(experiment, variant, `lat:${index}`));
  return keys;
}

/** KEYS = counters, ARGV = the amount to add to each (floats allowed). All or nothing. */
export const addScript: StoreScript<number> = {
  name: 'switchyard-experiments-add',
  lua: `
for index = 1, #KEYS do
  redis.call('INCRBYFLOAT', KEYS[index], ARGV[index])
end
return #KEYS
`,
  local(keys, args) {
    for (const [index, amount] of args.entries()) addTo(keys, index, Number(amount));
    return args.length;
  },
};

/**
 * KEYS[1] = the feedback marker, KEYS[2..] = counters; ARGV[1] = marker value, ARGV[2] = its TTL in ms,
 * ARGV[3..] = amounts. Counts the feedback only when the marker is absent: 1 when counted, 0 when the
 * request already had feedback (so a repeated POST changes nothing).
 */
export const feedbackScript: StoreScript<number> = {
  name: 'switchyard-experiments-feedback',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for index = 2, #KEYS do
  redis.call('INCRBYFLOAT', KEYS[index], ARGV[index + 1])
end
return 1
`,
  local(keys, args) {
    if (keys.get(0) !== undefined) return 0;
    keys.set(0, args[0] ?? '', Number(args[1]));
    for (let index = 2; index < args.length; index++) addTo(keys, index - 1, Number(args[index]));
    return 1;
  },
};

/** KEYS = what to read; returns the values in order (null or false for absent keys, as Redis gives them). */
export const readScript: StoreScript<ReadonlyArray<string | null | false>> = {
  name: 'switchyard-experiments-read',
  lua: `
return redis.call('MGET', unpack(KEYS))
`,
  local(keys, args) {
    const count = Number(args[0]);
    const values: Array<string | null> = [];
    for (let index = 0; index < count; index++) values.push(keys.get(index) ?? null);
    return values;
  },
};

function addTo(keys: Parameters<StoreScript<unknown>['local']>[0], index: number, amount: number): void {
  const current = Number(keys.get(index) ?? '0');
  keys.set(index, String((Number.isFinite(current) ? current : 0) + amount));
}

/** A stored value as a number (absent, null, false or garbage → 0). */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 0;
  if (typeof value !== 'string') return 0;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}
