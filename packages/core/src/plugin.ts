import { readFileSync } from 'node:fs';
import type { ProviderV1 } from '@switchyard/spec';
import { type ZodType, z } from 'zod';
import type { DispatchInterceptor } from './dispatch.js';
import type { Logger } from './logger.js';
import type { Middleware } from './middleware.js';
import { satisfiesRange } from './semver-range.js';
import type { ServiceHandler } from './service-handler.js';
import type { Store } from './store.js';

/** The version of the plugin contract below; bumped only by a breaking change to it. */
export const PLUGIN_API_VERSION = 1;

/** What a plugin is given when the gateway starts. */
export interface PluginContext {
  /** The gateway's shared store (in-memory, or Redis for a fleet). */
  store: Store;
  logger: Logger;
  /** Providers configured so far (a middleware plugin may call one, e.g. for embeddings). */
  providers: readonly ProviderV1[];
  env: Readonly<Record<string, string | undefined>>;
}

/** What a plugin adds to the gateway. Every field is optional. */
export interface PluginParts {
  /** Onion layers, run after the built-in ones (auth, limits, guards, cache) and before the router. */
  middleware?: Middleware[];
  /** Providers, usable as `<provider id>/<model>` and in aliases. */
  providers?: ProviderV1[];
  /** Dispatch wrappers, run inside the router's retries. */
  interceptors?: DispatchInterceptor[];
  /** Extra HTTP endpoints. */
  handlers?: ServiceHandler[];
  /** Called when the gateway closes. */
  close?(): Promise<void>;
}

/** A plugin's manifest plus its setup function: what `definePlugin` returns and packages export by default. */
export interface SwitchyardPlugin<TConfig = unknown> {
  readonly kind: 'switchyard-plugin';
  readonly apiVersion: number;
  /** The npm package name. */
  readonly name: string;
  readonly version: string;
  /** The `@switchyard/core` versions the plugin works with, as a semver range (`^0.1.0`). */
  readonly core: string;
  readonly description?: string;
  /** Validates the plugin's config section; published as JSON Schema by `pluginConfigJsonSchema`. */
  readonly configSchema?: ZodType<TConfig>;
  setup(config: TConfig, context: PluginContext): PluginParts | Promise<PluginParts>;
}

export type PluginDefinition<TConfig> = Omit<SwitchyardPlugin<TConfig>, 'kind' | 'apiVersion'>;

/** Declares a plugin. Export the result as the package's default export. */
export function definePlugin<TConfig = undefined>(definition: PluginDefinition<TConfig>): SwitchyardPlugin<TConfig> {
  return { kind: 'switchyard-plugin', apiVersion: PLUGIN_API_VERSION, ...definition };
}

/** A plugin that cannot be used: not a plugin, an incompatible version, or a bad config. */
export class PluginError extends Error {
  readonly plugin: string;
  constructor(plugin: string, message: string) {
    super(`Plugin "${plugin}": ${message}`);
    this.name = 'PluginError';
    this.plugin = plugin;
  }
}

let coreVersionCache: string | undefined;

/** This package's own version (what plugins' `core` ranges are checked against). */
export function coreVersion(): string {
  coreVersionCache ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return coreVersionCache;
}

/** Whether a value is a plugin made by `definePlugin` (checked structurally: it may come from another copy of core). */
export function isPlugin(value: unknown): value is SwitchyardPlugin<unknown> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'switchyard-plugin';
}

/**
 * Checks that a plugin can run on this core: its API version and its `core` range. Throws a
 * `PluginError` saying what to upgrade otherwise.
 */
export function checkPluginCompatibility(plugin: SwitchyardPlugin<unknown>, version = coreVersion()): void {
  if (plugin.apiVersion !== PLUGIN_API_VERSION) {
    throw new PluginError(
      plugin.name,
      `it was written for plugin API v${plugin.apiVersion}, this gateway speaks v${PLUGIN_API_VERSION}; upgrade ${plugin.apiVersion < PLUGIN_API_VERSION ? 'the plugin' : '@switchyard/core'}.`,
    );
  }
  if (!satisfiesRange(version, plugin.core)) {
    throw new PluginError(
      plugin.name,
      `version ${plugin.version} supports @switchyard/core ${plugin.core}, but this gateway runs ${version}; install a version of the plugin made for it.`,
    );
  }
}

/** Parses a plugin's config section with its schema, reporting every problem with its path. */
export function parsePluginConfig<TConfig>(plugin: SwitchyardPlugin<TConfig>, config: unknown): TConfig {
  if (!plugin.configSchema) return config as TConfig;
  const parsed = plugin.configSchema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`);
  throw new PluginError(plugin.name, `invalid config:\n  ${problems.join('\n  ')}`);
}

/** The plugin's config schema as JSON Schema (for editors, docs and validation outside Node). */
export function pluginConfigJsonSchema(plugin: SwitchyardPlugin<unknown>): Record<string, unknown> {
  return plugin.configSchema
    ? (z.toJSONSchema(plugin.configSchema, { io: 'input' }) as Record<string, unknown>)
    : { type: 'object' };
}

/** Checks, configures and sets up plugins in order; later plugins see the providers earlier ones added. */
export async function setupPlugins(
  entries: ReadonlyArray<{ plugin: SwitchyardPlugin<unknown>; config?: unknown }>,
  context: PluginContext,
): Promise<Required<Omit<PluginParts, 'close'>> & { close(): Promise<void> }> {
  const all = {
    middleware: [] as Middleware[],
    providers: [] as ProviderV1[],
    interceptors: [] as DispatchInterceptor[],
    handlers: [] as ServiceHandler[],
  };
  const closers: Array<() => Promise<void>> = [];
  for (const { plugin, config } of entries) {
    checkPluginCompatibility(plugin);
    const parts = await plugin.setup(parsePluginConfig(plugin, config), {
      ...context,
      providers: [...context.providers, ...all.providers],
    });
    all.middleware.push(...(parts.middleware ?? []));
    all.providers.push(...(parts.providers ?? []));
    all.interceptors.push(...(parts.interceptors ?? []));
    all.handlers.push(...(parts.handlers ?? []));
    if (parts.close) closers.push(parts.close);
  }
  return {
    ...all,
    async close() {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
