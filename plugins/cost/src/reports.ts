import { invalidRequest } from '@switchyard/spec';
import { NANO_PER_USD } from './compute-cost.js';
import type { LedgerRecord } from './ledger.js';

export const groupings = ['key', 'team', 'model', 'deployment', 'day', 'user'] as const;
export type Grouping = (typeof groupings)[number];

export interface LedgerFilter {
  keyId?: string;
  team?: string;
  model?: string;
  /** Inclusive ISO dates (`2026-11-01`) or times. */
  from?: string;
  to?: string;
}

export interface SpendRow {
  group: string;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cost: number;
  /** Requests without a known price (their cost is not in `cost`). */
  unpriced: number;
  /** Requests answered from the cache (exact or semantic). */
  cacheHits: number;
  /** What the cache hits would have cost upstream. */
  saved: number;
}

export function filterRecords(records: readonly LedgerRecord[], filter: LedgerFilter): LedgerRecord[] {
  const to = filter.to && filter.to.length === 10 ? `${filter.to}T23:59:59.999Z` : filter.to;
  return records.filter(
    (record) =>
      (filter.keyId === undefined || record.keyId === filter.keyId) &&
      (filter.team === undefined || record.team === filter.team) &&
      (filter.model === undefined || record.model === filter.model) &&
      (filter.from === undefined || record.time >= filter.from) &&
      (to === undefined || record.time <= to),
  );
}

function groupOf(record: LedgerRecord, by: Grouping): string {
  switch (by) {
    case 'key':
      return record.keyId ?? '(none)';
    case 'team':
      return record.team ?? '(none)';
    case 'model':
      return record.model;
    case 'deployment':
      return record.deployment ?? '(none)';
    case 'user':
      return record.user ?? '(none)';
    case 'day':
      return record.time.slice(0, 10);
  }
}

/** Sums spend per group; cost is summed in nano-dollars and converted once (`rate` units per USD). */
export function spendReport(records: readonly LedgerRecord[], by: Grouping, rate = 1): SpendRow[] {
  const rows = new Map<string, SpendRow & { nano: number; savedNano: number }>();
  for (const record of records) {
    const group = groupOf(record, by);
    let row = rows.get(group);
    if (!row) {
      row = {
        group,
        requests: 0,
        errors: 0,
        promptTokens: 0,
        completionTokens: 0,
        cachedTokens: 0,
        cost: 0,
        unpriced: 0,
        nano: 0,
        cacheHits: 0,
        saved: 0,
        savedNano: 0,
      };
      rows.set(group, row);
    }
    row.requests += 1;
    if (record.status >= 400 || record.errorCode) row.errors += 1;
    row.promptTokens += record.promptTokens;
    row.completionTokens += record.completionTokens;
    row.cachedTokens += record.cachedTokens;
    if (record.cache === 'hit' || record.cache === 'semantic-hit') row.cacheHits += 1;
    row.savedNano += record.savedNano ?? 0;
    if (record.costNano === null) {
      if (record.promptTokens + record.completionTokens > 0) row.unpriced += 1;
    } else row.nano += record.costNano;
  }
  return [...rows.values()]
    .map(({ nano, savedNano, ...row }) => ({
      ...row,
      cost: (nano / NANO_PER_USD) * rate,
      saved: (savedNano / NANO_PER_USD) * rate,
    }))
    .sort((a, b) => b.cost - a.cost || a.group.localeCompare(b.group));
}

export function parseGrouping(value: string | null): Grouping {
  const by = value ?? 'key';
  if (!(groupings as readonly string[]).includes(by)) {
    throw invalidRequest(`group_by must be one of ${groupings.join(', ')}.`, { code: 'invalid_group_by', param: 'group_by' });
  }
  return by as Grouping;
}

/** RFC 4180 CSV with a header row; fields with commas, quotes or newlines are quoted. */
export function toCsv<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T & string>): string {
  const cell = (value: unknown) => {
    const text = value === undefined || value === null ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\n') + '\n';
}

export const ledgerColumns = [
  'requestId',
  'time',
  'keyId',
  'team',
  'user',
  'model',
  'provider',
  'deployment',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'costUsd',
  'estimated',
  'price',
  'latencyMs',
  'status',
  'errorCode',
  'stream',
  'aborted',
  'cache',
  'savedUsd',
  'experiment',
  'variant',
] as const;

export const spendColumns = [
  'group',
  'requests',
  'errors',
  'promptTokens',
  'completionTokens',
  'cachedTokens',
  'cost',
  'unpriced',
] as const;
