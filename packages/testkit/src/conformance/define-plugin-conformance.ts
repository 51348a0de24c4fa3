/**
 * `definePluginConformance(plugin, options)`: what a plugin author runs in their own CI. It checks the
 * manifest (name, semver version, a `core` range this core satisfies), the config schema (the sample
 * config parses; the schema publishes as JSON Schema), and that the plugin's parts work inside a real
 * gateway: a chat request through its middleware reaches a provider and answers, its providers answer
 * `<id>/<model>`, and the gateway closes cleanly.
 */
import {
  checkPluginCompatibility,
  coreVersion,
  createGateway,
  createMemoryStore,
  type PluginParts,
  parsePluginConfig,
  pluginConfigJsonSchema,
  type SwitchyardPlugin,
  silentLogger,
} from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { afterAll, describe, expect, it } from 'vitest';

export interface PluginConformanceOptions<TConfig> {
  /** A config the plugin accepts (its section as a user would write it). */
  config?: unknown;
  /** Configs it must refuse. */
  invalidConfigs?: unknown[];
  /** A model the request goes to: default `mock/echo`, or `<your provider id>/<model>` for a provider plugin. */
  model?: string;
  /** Headers of the test request (e.g. what your middleware reads). */
  headers?: Record<string, string>;
  /** The status the test request should get. Default 200. */
  expectStatus?: number;
  /** Environment given to `setup`. */
  env?: Record<string, string>;
  /** For this suite's own tests: the package manifest is read from here instead of the plugin. */
  expected?: { typedConfig?: (config: TConfig) => void };
}

export function definePluginConformance<TConfig>(
  plugin: SwitchyardPlugin<TConfig>,
  options: PluginConformanceOptions<TConfig> = {},
): void {
  describe(`${plugin.name} plugin conformance`, () => {
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      await Promise.allSettled(closers.map((close) => close()));
    });

    it('has a manifest: npm name, semver version and a core range this core satisfies', () => {
      expect(plugin.kind).toBe('switchyard-plugin');
      expect(plugin.name).toMatch(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/);
      expect(plugin.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
      expect(() => checkPluginCompatibility(plugin as SwitchyardPlugin<unknown>, coreVersion())).not.toThrow();
    });

    it('accepts its sample config, refuses bad ones, and publishes its schema as JSON Schema', () => {
      const parsed = parsePluginConfig(plugin, options.config);
      options.expected?.typedConfig?.(parsed);
      for (const invalid of options.invalidConfigs ?? [])
        expect(() => parsePluginConfig(plugin, invalid)).toThrow(/invalid config/);
      const schema = pluginConfigJsonSchema(plugin as SwitchyardPlugin<unknown>);
      expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
      expect(typeof schema).toBe('object');
    });

    it('sets up, serves a request through a real gateway and closes cleanly', async () => {
      const store = createMemoryStore();
      const providers = [createMockProvider()];
      const parts: PluginParts = await plugin.setup(parsePluginConfig(plugin, options.config), {
        store,
        logger: silentLogger,
        env: options.env ?? {},
        providers,
      });
      for (const layer of parts.middleware ?? []) {
        expect(typeof layer.name).toBe('string');
        expect(typeof layer.handle).toBe('function');
      }
      for (const provider of parts.providers ?? []) expect(provider.specificationVersion).toBe('v1');
      const gateway = createGateway({
        providers: [...providers, ...(parts.providers ?? [])],
        middleware: parts.middleware ?? [],
        interceptors: parts.interceptors ?? [],
        handlers: parts.handlers ?? [],
        logger: silentLogger,
      });
      closers.push(async () => {
        await gateway.close();
        await parts.close?.();
        await store.close();
      });
      const response = await gateway.fetch(
        new Request('http://conformance.test/v1/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify({ model: options.model ?? 'mock/echo', messages: [{ role: 'user', content: 'conformance' }] }),
        }),
      );
      const text = await response.text();
      expect(response.status, text).toBe(options.expectStatus ?? 200);
      expect(() => JSON.parse(text)).not.toThrow();
    });
  });
}
