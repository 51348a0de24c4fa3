import { type AuthMiddleware, authFromConfig } from '@switchyard/auth';
import { type AppendLog, createMemoryLog, type Logger, type Middleware, type Store } from '@switchyard/core';
import { type CostMiddleware, costFromConfig } from '@switchyard/cost';
import { rateLimitFromConfig } from '@switchyard/rate-limit';
import type { Router } from '@switchyard/router';
import { createRedisLog, storeFromConfig } from '@switchyard/store-redis';
import type { SwitchyardConfig } from './config-schema.js';

export interface Governance {
  store: Store;
  /** Auth → cost → rate limits, in that order (each is present only when configured). */
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
export function buildGovernance(config: SwitchyardConfig, store: Store, router: Router, logger?: Logger): Governance {
  const middleware: Middleware[] = [];
  const auth = config.auth ? authFromConfig(config.auth, { store }) : undefined;
  if (auth) middleware.push(auth);
  let cost: CostMiddleware | undefined;
  if (config.cost) {
    const ledger: AppendLog = config.store?.type === 'redis' ? createRedisLog(store) : createMemoryLog();
    cost = costFromConfig(config.cost, {
      store,
      ledger,
      logger,
      resolveTargets: (model) => {
        const deployments = router.deploymentsOf(model);
        if (deployments.length > 0) return deployments;
        const slash = model.indexOf('/');
        return slash === -1 ? [] : [{ providerId: model.slice(0, slash), model: model.slice(slash + 1) }];
      },
      authorizeAdmin: auth?.authorizeAdmin,
      keyBudgets: auth ? async (id) => (await auth.admin.get(id)).budgets : undefined,
    });
    middleware.push(cost);
  }
  if (config.rateLimits || auth)
    middleware.push(rateLimitFromConfig(config.rateLimits ?? { failMode: 'open', teams: {}, models: {} }, { store }));
  return {
    store,
    middleware,
    auth,
    cost,
    close: () => store.close(),
  };
}
