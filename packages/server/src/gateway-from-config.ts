import { createGateway, createJsonLogger, type Gateway, type GatewayOptions, type Logger } from '@switchyard/core';
import type { PiiDetector } from '@switchyard/pii';
import { buildFromConfig } from './build-from-config.js';
import { buildGovernance, storeFor } from './build-pipeline.js';
import type { SwitchyardConfig } from './config-schema.js';

export interface GatewayFromConfigOptions extends Pick<GatewayOptions, 'middleware' | 'interceptors' | 'handlers'> {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Names the config file in error messages. */
  source?: string;
  /** PII detectors loaded from npm packages named in `pii.custom[].module` (see `loadDetectorModules`). */
  piiModules?: Readonly<Record<string, PiiDetector>>;
}

/**
 * Builds a gateway from a validated config (providers, aliases, routing, store, keys, limits, cost)
 * plus code-only parts. The order of the onion: auth → cost → rate limits → middleware passed in code →
 * router. Interceptors passed in code run inside the router's retries. Closing the gateway closes the store.
 */
export function gatewayFromConfig(
  config: SwitchyardConfig,
  {
    env = process.env,
    logger = createJsonLogger({ level: config.server.logLevel }),
    source,
    middleware = [],
    interceptors = [],
    handlers = [],
    piiModules,
  }: GatewayFromConfigOptions = {},
): Gateway {
  const store = storeFor(config, logger);
  let parts: ReturnType<typeof buildFromConfig>;
  try {
    parts = buildFromConfig(config, env, source, store);
  } catch (error) {
    void store.close();
    throw error;
  }
  const { providers, router } = parts;
  const governance = buildGovernance(config, store, router, providers, logger, piiModules);
  const gateway = createGateway({
    providers,
    middleware: [...governance.middleware, ...middleware, router.middleware],
    interceptors: [router.interceptor, ...interceptors],
    handlers,
    logger,
    ...(config.server.maxBodyBytes ? { maxBodyBytes: config.server.maxBodyBytes } : {}),
  });
  return {
    ...gateway,
    async close() {
      await gateway.close();
      await governance.close();
    },
  };
}
