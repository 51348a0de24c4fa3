import type { Store } from '@switchyard/core';
import { createRouter, RouteConfigError, type Router } from '@switchyard/router';
import type { ProviderV1 } from '@switchyard/spec';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { SwitchyardConfig } from './config-schema.js';
import { buildProviders } from './create-providers.js';

export interface ConfiguredParts {
  providers: ProviderV1[];
  router: Router;
}

/**
 * Builds what a config describes: its providers and the router over its aliases. Every problem (a
 * provider entry that cannot be built, an unknown provider in a target, a cycle, a shadowing alias) is
 * reported at once, with its path, as one ConfigError; nothing is left open then.
 */
export function buildFromConfig(
  config: SwitchyardConfig,
  env: Readonly<Record<string, string | undefined>> = process.env,
  source?: string,
  store?: Store,
  /** Providers from plugins, served next to the configured ones. */
  extraProviders: readonly ProviderV1[] = [],
  /** Providers already built from this config (by `buildProviders`), to avoid building them twice. */
  prebuilt?: ReturnType<typeof buildProviders>,
): ConfiguredParts {
  const built = prebuilt ?? buildProviders(config, env);
  const providers = [...built.providers, ...extraProviders];
  const issues = built.issues;
  const problems: ConfigIssue[] = [...issues];
  let router: Router | undefined;
  try {
    router = createRouter({ aliases: config.models, providers, ...config.routing, ...(store ? { store } : {}) });
  } catch (error) {
    if (!(error instanceof RouteConfigError)) throw error;
    problems.push(...error.issues);
  }
  if (problems.length > 0 || router === undefined) {
    void Promise.all(providers.map((provider) => provider.close?.()));
    throw new ConfigError(problems, source);
  }
  return { providers, router };
}
