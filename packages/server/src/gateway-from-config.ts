import {
  createGateway,
  createJsonLogger,
  type Gateway,
  type GatewayOptions,
  type Logger,
  type PluginParts,
  type Store,
  setupPlugins,
} from '@switchyard/core';
import type { PiiDetector } from '@switchyard/pii';
import { loadDetectorModules } from '@switchyard/pii';
import type { ProviderV1 } from '@switchyard/spec';
import { buildFromConfig } from './build-from-config.js';
import { buildGovernance, storeFor } from './build-pipeline.js';
import type { SwitchyardConfig } from './config-schema.js';
import { buildProviders } from './create-providers.js';
import { loadPlugins } from './load-plugins.js';

export interface GatewayFromConfigOptions extends Pick<GatewayOptions, 'middleware' | 'interceptors' | 'handlers'> {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /** Names the config file in error messages. */
  source?: string;
  /** PII detectors loaded from npm packages named in `pii.custom[].module` (see `loadDetectorModules`). */
  piiModules?: Readonly<Record<string, PiiDetector>>;
  /** A store already made for this config (default: the one `store:` describes). */
  store?: Store;
  /** What plugins added (see `loadGatewayFromConfig`, which loads the config's `plugins:`). */
  plugins?: PluginParts & { close?(): Promise<void> };
  /** Providers already built from this config. */
  prebuilt?: ReturnType<typeof buildProviders>;
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
    store = storeFor(config, logger),
    plugins = {},
    prebuilt,
  }: GatewayFromConfigOptions = {},
): Gateway {
  let parts: ReturnType<typeof buildFromConfig>;
  try {
    parts = buildFromConfig(config, env, source, store, plugins.providers ?? [], prebuilt);
  } catch (error) {
    void store.close();
    throw error;
  }
  const { providers, router } = parts;
  const governance = buildGovernance(config, store, router, providers, logger, piiModules);
  const gateway = createGateway({
    providers,
    middleware: [...governance.middleware, ...(plugins.middleware ?? []), ...middleware, router.middleware],
    interceptors: [router.interceptor, ...(plugins.interceptors ?? []), ...interceptors],
    handlers: [...(plugins.handlers ?? []), ...handlers],
    logger,
    ...(config.server.maxBodyBytes ? { maxBodyBytes: config.server.maxBodyBytes } : {}),
  });
  return {
    ...gateway,
    async close() {
      await gateway.close();
      await plugins.close?.();
      await governance.close();
    },
  };
}

/**
 * `gatewayFromConfig` plus what needs I/O first: the plugins named under `plugins:` (imported from
 * `cwd`'s node_modules, checked against this core's version, configured and set up) and PII detector
 * packages. What `switchyard serve` uses.
 */
export async function loadGatewayFromConfig(
  config: SwitchyardConfig,
  options: Omit<GatewayFromConfigOptions, 'store' | 'plugins' | 'prebuilt' | 'piiModules'> & { cwd?: string } = {},
): Promise<Gateway> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createJsonLogger({ level: config.server.logLevel });
  const piiModules = config.pii ? await loadDetectorModules(config.pii) : {};
  const store = storeFor(config, logger);
  const prebuilt = buildProviders(config, env);
  try {
    const loaded = await loadPlugins(config.plugins, options.cwd);
    const plugins = await setupPlugins(loaded, { store, logger, env, providers: prebuilt.providers as readonly ProviderV1[] });
    return gatewayFromConfig(config, { ...options, env, logger, piiModules, store, plugins, prebuilt });
  } catch (error) {
    await Promise.allSettled([store.close(), ...prebuilt.providers.map((provider) => provider.close?.())]);
    throw error;
  }
}
