import type { AppendLog, BudgetSpec, ServiceHandler, ServiceRequest } from '@switchyard/core';
import { invalidRequest } from '@switchyard/spec';
import { type Budgets, selectBudgets } from './budgets.js';
import type { BudgetOptions } from './cost.js';
import { type LedgerRecord, readLedger } from './ledger.js';
import { filterRecords, type LedgerFilter, ledgerColumns, parseGrouping, spendColumns, spendReport, toCsv } from './reports.js';

export interface AdminDeps {
  log: AppendLog | undefined;
  flush: () => Promise<void>;
  budgets: Budgets | undefined;
  budgetOptions: BudgetOptions | undefined;
  keyBudgets?: (keyId: string) => Promise<readonly BudgetSpec[] | undefined>;
  currencies: Readonly<Record<string, number>>;
  authorize: (request: ServiceRequest) => void | Promise<void>;
}

/**
 * `GET /admin/spend?group_by=key|team|model|deployment|day|user` (filters `key`, `team`, `model`, `from`,
 * `to`; `format=csv`; `currency=EUR`), `GET /admin/ledger` (the records, JSON or CSV) and
 * `GET /admin/budgets?key=|team=|model=` (spend and reservations in the current windows).
 */
export function adminHandlers(deps: AdminDeps): ServiceHandler[] {
  const guarded = (path: string, handle: ServiceHandler['handle']): ServiceHandler => ({
    method: 'GET',
    path,
    async handle(request) {
      await deps.authorize(request);
      return handle(request);
    },
  });

  async function records(request: ServiceRequest): Promise<LedgerRecord[]> {
    if (!deps.log) throw invalidRequest('The ledger is turned off.', { code: 'ledger_disabled' });
    await deps.flush();
    return filterRecords(await readLedger(deps.log), filterOf(request.query));
  }

  function currency(query: URLSearchParams): { code: string; rate: number } {
    const code = (query.get('currency') ?? 'USD').toUpperCase();
    if (code === 'USD') return { code, rate: 1 };
    const rate = deps.currencies[code];
    if (rate === undefined) {
      throw invalidRequest(`No exchange rate for ${code.slice(0, 10)}; configure it under cost.currencies.`, {
        code: 'unknown_currency',
        param: 'currency',
      });
    }
    return { code, rate };
  }

  return [
    guarded('/admin/spend', async (request) => {
      const by = parseGrouping(request.query.get('group_by'));
      const { code, rate } = currency(request.query);
      const rows = spendReport(await records(request), by, rate);
      if (request.query.get('format') === 'csv') return csv(toCsv(rows, spendColumns));
      return { body: { object: 'spend_report', group_by: by, currency: code, data: rows } };
    }),
    guarded('/admin/ledger', async (request) => {
      const limit = Number(request.query.get('limit') ?? 10_000);
      if (!Number.isInteger(limit) || limit <= 0)
        throw invalidRequest('limit must be a positive integer.', { code: 'invalid_limit' });
      const rows = (await records(request)).slice(-limit);
      if (request.query.get('format') === 'csv') return csv(toCsv(rows, ledgerColumns));
      return { body: { object: 'list', data: rows } };
    }),
    guarded('/admin/budgets', async (request) => {
      if (!deps.budgets || !deps.budgetOptions) throw invalidRequest('No budgets are configured.', { code: 'budgets_disabled' });
      const key = request.query.get('key');
      const team = request.query.get('team') ?? undefined;
      const model = request.query.get('model') ?? undefined;
      const keySpecs = key && deps.keyBudgets ? ((await deps.keyBudgets(key)) ?? []) : [];
      const wanted = selectBudgets(deps.budgetOptions, {
        key: key ? { id: key, specs: keySpecs } : undefined,
        team,
        model,
        global: !key && !team && !model,
      });
      return { body: { object: 'list', data: await deps.budgets.status(wanted) } };
    }),
  ];
}

function filterOf(query: URLSearchParams): LedgerFilter {
  return {
    keyId: query.get('key') ?? undefined,
    team: query.get('team') ?? undefined,
    model: query.get('model') ?? undefined,
    from: query.get('from') ?? undefined,
    to: query.get('to') ?? undefined,
  };
}

function csv(body: string) {
  return { headers: { 'content-type': 'text/csv; charset=utf-8' }, body };
}
