import { createMockProvider } from '@switchyard/provider-mock';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from './logger.js';
import { createMemoryStore } from './memory-store.js';
import {
  checkPluginCompatibility,
  coreVersion,
  definePlugin,
  isPlugin,
  PLUGIN_API_VERSION,
  PluginError,
  parsePluginConfig,
  pluginConfigJsonSchema,
  setupPlugins,
} from './plugin.js';
import { satisfiesRange } from './semver-range.js';

const tagger = definePlugin({
  name: '@acme/switchyard-tagger',
  version: '1.2.0',
  core: '>=0.1.0 <1.0.0',
  configSchema: z.strictObject({ tag: z.string().min(1), every: z.number().int().positive().default(1) }),
  setup: (config) => ({
    middleware: [
      {
        name: 'tagger',
        async handle(context, next) {
          context.responseHeaders['x-tag'] = config.tag;
          await next();
        },
      },
    ],
  }),
});

describe('definePlugin', () => {
  it('stamps the plugin API version and is recognised structurally', () => {
    expect(tagger.apiVersion).toBe(PLUGIN_API_VERSION);
    expect(isPlugin(tagger)).toBe(true);
    expect(isPlugin({ name: 'x', setup() {} })).toBe(false);
    expect(coreVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses a plugin made for another core range or plugin API, saying what to upgrade', () => {
    expect(() => checkPluginCompatibility(tagger, '0.1.0')).not.toThrow();
    const future = definePlugin({ ...tagger, core: '^2.0.0' });
    expect(() => checkPluginCompatibility(future, '0.1.0')).toThrow(PluginError);
    expect(() => checkPluginCompatibility(future, '0.1.0')).toThrow(
      'Plugin "@acme/switchyard-tagger": version 1.2.0 supports @switchyard/core ^2.0.0, but this gateway runs 0.1.0',
    );
    const oldApi = { ...tagger, apiVersion: 0 };
    expect(() => checkPluginCompatibility(oldApi, '0.1.0')).toThrow('upgrade the plugin');
  });

  it('validates config with every problem and its path, applying defaults', () => {
    expect(parsePluginConfig(tagger, { tag: 'blue' })).toEqual({ tag: 'blue', every: 1 });
    expect(() => parsePluginConfig(tagger, { tag: '', extra: 1 })).toThrow(/tag: .*\n.*unrecognized/is);
  });

  it('publishes its config schema as JSON Schema', () => {
    const schema = pluginConfigJsonSchema(tagger);
    expect(schema).toMatchObject({ type: 'object', properties: { tag: { type: 'string', minLength: 1 } }, required: ['tag'] });
  });

  it('sets plugins up in order, later ones seeing the providers earlier ones added', async () => {
    const seen: string[][] = [];
    const providerPlugin = definePlugin({
      name: 'provider-plugin',
      version: '0.0.1',
      core: '*',
      setup: () => ({ providers: [createMockProvider({ id: 'extra' })] }),
    });
    const watcher = definePlugin({
      name: 'watcher',
      version: '0.0.1',
      core: '*',
      setup: (_config, context) => {
        seen.push(context.providers.map((provider) => provider.id));
        return {};
      },
    });
    const parts = await setupPlugins(
      [{ plugin: providerPlugin }, { plugin: watcher }, { plugin: tagger, config: { tag: 't' } }],
      { store: createMemoryStore(), logger: silentLogger, env: {}, providers: [createMockProvider()] },
    );
    expect(seen).toEqual([['mock', 'extra']]);
    expect(parts.providers.map((provider) => provider.id)).toEqual(['extra']);
    expect(parts.middleware.map((layer) => layer.name)).toEqual(['tagger']);
  });
});

describe('satisfiesRange', () => {
  it.each([
    ['0.1.0', '^0.1.0', true],
    ['0.2.0', '^0.1.0', false],
    ['1.4.2', '^1.2.0', true],
    ['2.0.0', '^1.2.0', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['0.5.0', '>=0.1.0 <1.0.0', true],
    ['1.0.0', '>=0.1.0 <1.0.0', false],
    ['3.1.0', '^1.0.0 || ^3.0.0', true],
    ['1.2.3', '1.x', true],
    ['2.0.0', '1.x', false],
    ['5.0.0', '*', true],
    ['1.0.0-beta.1', '^1.0.0', false],
    ['1.0.0', 'not a range', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });
});
