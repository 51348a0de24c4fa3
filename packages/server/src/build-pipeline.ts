import { type AuthMiddleware, authFromConfig } from '@switchyard/auth';
import { cacheFromConfig } from '@switchyard/cache';
import { type AppendLog, createMemoryLog, type Logger, type Middleware, type Store } from '@switchyard/core';
import { type CostMiddleware, costFromConfig, targetOfModelName } from '@switchyard/cost';
import { experimentsFromConfig } from '@switchyard/experiments';
import { metricsFromConfig } from '@switchyard/metrics';
import { moderationFromConfig } from '@switchyard/moderation';
import { type PiiDetector, piiFromConfig } from '@switchyard/pii';
import { rateLimitFromConfig } from '@switchyard/rate-limit';
import type { Router } from '@switchyard/router';
import type { ProviderV1 } from '@switchyard/spec';
import { createRedisLog, storeFromConfig } from '@switchyard/store-redis';
import type { SwitchyardConfig } from './config-schema.js';

export interface Governance {
  store: Store;
  /** Metrics → auth → cost → rate limits → PII → moderation → experiments → cache, in that order (each present only when configured). */
  middleware: Middleware[];
  auth?: AuthMiddleware;
  cost?: CostMiddleware;
  close(): Promise<void>;
}

/** The store a config describes (the in-memory one when absent). */
export function storeFor(config: SwitchyardConfig, logger?: Logger): Store {
  return storeFromConfig(config.store ?? { type: 'memory' }, { logger });
}

/**
 * Builds the governance middleware (keys, budgets and ledger, rate limits) over one shared store. The
 * ledger lives in Redis when the store does, so every instance's records land in one place.
 */
export function buildGovernance(
  config: SwitchyardConfig,
  store: Store,
  router: Router,
  providers: readonly ProviderV1[],
  logger?: Logger,
  piiModules: Readonly<Record<string, PiiDetector>> = {},
): Governance {
  const middleware: Middleware[] = [];
  const deploymentsOf = (model: string) => {
    const deployments = router.deploymentsOf(model);
    return deployments.length > 0 ? deployments : targetOfModelName(model);
  };
  // An experiment's alias may be sent to any of its variants' models.
  const variantModels = new Map<string, string[]>();
  for (const experiment of Object.values(config.experiments ?? {})) {
    const models = Object.values(experiment.variants).map((variant) => variant.model ?? experiment.alias);
    variantModels.set(experiment.alias, [...(variantModels.get(experiment.alias) ?? []), ...models]);
  }
  const auth = config.auth ? authFromConfig(config.auth, { store }) : undefined;
  // Metrics first, so requests refused by auth or limits are counted too.
  if (config.metrics) middleware.push(metricsFromConfig(config.metrics, { authorizeAdmin: auth?.authorizeAdmin }));
  if (auth) middleware.push(auth);
  let cost: CostMiddleware | undefined;
  if (config.cost) {
    const ledger: AppendLog = config.store?.type === 'redis' ? createRedisLog(store) : createMemoryLog();
    cost = costFromConfig(config.cost, {
      store,
      ledger,
      logger,
      resolveTargets: (model) => {
        const variants = variantModels.get(model);
        if (!variants) return deploymentsOf(model);
        const all = variants.map(deploymentsOf);
        // A variant that cannot be priced makes the whole alias unpriced (budgets then refuse or allow, as configured).
        return all.some((list) => list.length === 0) ? [] : all.flat();
      },
      authorizeAdmin: auth?.authorizeAdmin,
      keyBudgets: auth ? async (id) => (await auth.admin.get(id)).budgets : undefined,
    });
    middleware.push(cost);
  }
  if (config.rateLimits || auth)
    middleware.push(rateLimitFromConfig(config.rateLimits ?? { failMode: 'open', teams: {}, models: {} }, { store }));
  // PII first among the content guards: moderation, the cache and upstreams only ever see placeholders.
  if (config.pii) middleware.push(piiFromConfig(config.pii, { logger, modules: piiModules }));
  if (config.moderation) middleware.push(moderationFromConfig(config.moderation, { logger, providers }));
  // Experiments before the cache, so a variant's model and parameters are part of the cache key.
  if (config.experiments) {
    middleware.push(
      experimentsFromConfig(config.experiments, { store, logger, authorizeAdmin: auth?.authorizeAdmin, providers }),
    );
  }
  if (config.cache)
    middleware.push(cacheFromConfig(config.cache, { store, logger, authorizeAdmin: auth?.authorizeAdmin, providers }));
  return {
    store,
    middleware,
    auth,
    cost,
    close: () => store.close(),
  };
}
