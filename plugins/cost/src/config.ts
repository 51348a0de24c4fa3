import type { AppendLog, BudgetSpec, Logger, ServiceRequest, Store } from '@switchyard/core';
import { z } from 'zod';
import { type CostMiddleware, cost } from './cost.js';
import { createPriceTable, type ModelPrice } from './prices/price-table.js';

const rateSchema = z.union([
  z.number().nonnegative(),
  z.strictObject({
    base: z.number().nonnegative(),
    tiers: z.array(z.strictObject({ start: z.number().int().positive(), price: z.number().nonnegative() })),
  }),
]);

const priceSchema = z.strictObject({
  input_mtok: rateSchema,
  output_mtok: rateSchema.optional(),
  cache_read_mtok: rateSchema.optional(),
  cache_write_mtok: rateSchema.optional(),
  cache_write_1h_mtok: rateSchema.optional(),
  input_audio_mtok: rateSchema.optional(),
  output_audio_mtok: rateSchema.optional(),
});

const budgetSchema = z.strictObject({ window: z.enum(['day', 'month']), usd: z.number().positive() });

/** The `cost:` section of the config file. */
export const costConfigSchema = z.strictObject({
  /** Prices that win over the bundled snapshot, by `provider/model` pattern. */
  prices: z.record(z.string(), priceSchema).default({}),
  /** Price a gateway provider as a snapshot provider: `{ my-azure: openai }`. */
  priceAliases: z.record(z.string(), z.string()).default({}),
  currencies: z.record(z.string().regex(/^[A-Z]{3}$/), z.number().positive()).default({}),
  ledger: z.boolean().default(true),
  budgets: z
    .strictObject({
      teams: z.record(z.string(), z.array(budgetSchema)).default({}),
      models: z.record(z.string(), z.array(budgetSchema)).default({}),
      global: z.array(budgetSchema).default([]),
      thresholds: z.array(z.number().gt(0).lte(1)).default([0.8]),
      webhook: z.strictObject({ url: z.url(), headers: z.record(z.string(), z.string()).optional() }).optional(),
      failMode: z.enum(['closed', 'open']).default('closed'),
      defaultMaxOutputTokens: z.number().int().positive().default(4096),
      unknownPrice: z.enum(['deny', 'allow']).default('deny'),
    })
    .optional(),
});

export type CostConfig = z.infer<typeof costConfigSchema>;

export interface CostDeps {
  store?: Store;
  ledger?: AppendLog;
  logger?: Logger;
  resolveTargets?: (model: string) => ReadonlyArray<{ providerId: string; model: string }>;
  authorizeAdmin?: (request: ServiceRequest) => void | Promise<void>;
  keyBudgets?: (keyId: string) => Promise<readonly BudgetSpec[] | undefined>;
}

export function costFromConfig(config: CostConfig, deps: CostDeps = {}): CostMiddleware {
  return cost({
    ...deps,
    prices: createPriceTable({ overrides: config.prices as Record<string, ModelPrice>, aliases: config.priceAliases }),
    budgets: config.budgets,
    currencies: config.currencies,
    ledger: config.ledger ? deps.ledger : false,
  });
}
