export { releaseScript, reserveScript, settleScript } from './budget-scripts.js';
export {
  type Budget,
  type BudgetAlert,
  type BudgetSelection,
  type BudgetStatus,
  type Budgets,
  createBudgets,
  periodOf,
  type Reservation,
  selectBudgets,
} from './budgets.js';
export {
  type BilledTokens,
  billedTokens,
  type CostBreakdown,
  costOf,
  NANO_PER_USD,
  rateFor,
  worstCaseNano,
} from './compute-cost.js';
export { type CostConfig, type CostDeps, costConfigSchema, costFromConfig } from './config.js';
export { type BudgetOptions, type CostMiddleware, type CostOptions, cost, targetOfModelName } from './cost.js';
export { createLedgerWriter, type LedgerRecord, type LedgerWriter, readLedger } from './ledger.js';
export {
  bundledSnapshot,
  createPriceTable,
  type ModelPrice,
  type PriceEntry,
  type PriceTable,
  type Rate,
} from './prices/price-table.js';
export { filterRecords, type Grouping, type LedgerFilter, type SpendRow, spendReport, toCsv } from './reports.js';
export { inputTokenBound, outputAllowance } from './request-size.js';
