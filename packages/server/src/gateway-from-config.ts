import { createGateway, createJsonLogger, type Gateway, type GatewayOptions, type Logger } from '@switchyard/core';
import { buildFromConfig } from './build-from-config.js';
import type { SwitchyardConfig } from './config-schema.js';

export interface GatewayFromConfigOptions extends Pick<GatewayOptions, 'middleware' | 'interceptors'> {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Names the config file in error messages. */
  source?: string;
}

/**
 * Builds a gateway from a validated config (providers, aliases, routing, limits) plus code-only parts.
 * Middleware passed in code runs before the router; interceptors passed in code run inside its retries.
 */
export function gatewayFromConfig(
  config: SwitchyardConfig,
  {
    env = process.env,
    logger = createJsonLogger({ level: config.server.logLevel }),
    source,
    middleware = [],
    interceptors = [],
  }: GatewayFromConfigOptions = {},
): Gateway {
  const { providers, router } = buildFromConfig(config, env, source);
  return createGateway({
    providers,
    middleware: [...middleware, router.middleware],
    interceptors: [router.interceptor, ...interceptors],
    logger,
    ...(config.server.maxBodyBytes ? { maxBodyBytes: config.server.maxBodyBytes } : {}),
  });
}
