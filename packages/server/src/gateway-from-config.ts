import { createGateway, createJsonLogger, type Gateway, type GatewayOptions, type Logger } from '@switchyard/core';
import type { SwitchyardConfig } from './config-schema.js';
import { createProviders } from './create-providers.js';

export interface GatewayFromConfigOptions extends Pick<GatewayOptions, 'middleware' | 'interceptors'> {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Names the config file in error messages. */
  source?: string;
}

/** Builds a gateway from a validated config (providers, aliases, limits) plus code-only parts. */
export function gatewayFromConfig(
  config: SwitchyardConfig,
  {
    env = process.env,
    logger = createJsonLogger({ level: config.server.logLevel }),
    source,
    ...code
  }: GatewayFromConfigOptions = {},
): Gateway {
  const providers = createProviders(config, env, source);
  return createGateway({
    providers,
    models: config.models,
    logger,
    ...(config.server.maxBodyBytes ? { maxBodyBytes: config.server.maxBodyBytes } : {}),
    ...code,
  });
}
