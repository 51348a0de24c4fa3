import type { Logger, ModelRegistry, Store } from '@switchyard/core';
import type { ProviderV1 } from '@switchyard/spec';
import type { ExperimentsConfig } from './config-schema.js';
import { type Authorize, type ExperimentsMiddleware, experiments } from './experiments.js';

export interface ExperimentsFromConfigOptions {
  store?: Store;
  logger?: Logger;
  /** Mounts the admin report endpoints; pass the auth middleware's `authorizeAdmin`. */
  authorizeAdmin?: Authorize;
  /** Resolves variant models to targets at construction (see `ExperimentsOptions.registry`). */
  registry?: Pick<ModelRegistry, 'resolve'>;
  providers?: readonly ProviderV1[];
}

/** The middleware for a parsed `experiments:` config section (see `configSchema`). */
export function experimentsFromConfig(
  config: ExperimentsConfig,
  { store, logger, authorizeAdmin, registry, providers }: ExperimentsFromConfigOptions = {},
): ExperimentsMiddleware {
  return experiments({
    experiments: config,
    ...(store ? { store } : {}),
    ...(logger ? { logger } : {}),
    ...(authorizeAdmin ? { authorizeAdmin } : {}),
    ...(registry ? { registry } : {}),
    ...(providers ? { providers } : {}),
  });
}
