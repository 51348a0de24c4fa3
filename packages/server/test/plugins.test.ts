/**
 * Plugins from config: loaded by package name from node_modules (or by path), checked against this
 * core's version, configured with their schema, and served; an incompatible one stops the start with a
 * clear message. And `switchyard plugin new` scaffolds a plugin that works.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGateway, createJsonLogger, createMemoryStore, isPlugin, setupPlugins, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { loadGatewayFromConfig } from '../src/gateway-from-config.js';
import { parseConfig } from '../src/load-config.js';
import { loadPlugins } from '../src/load-plugins.js';

// Inside the repository, so generated code resolves @switchyard/* and zod from the workspace.
const scratch = mkdtempSync(path.join(fileURLToPath(new URL('.', import.meta.url)), '.scratch-plugins-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const coreEntry = fileURLToPath(new URL('../../core/dist/index.js', import.meta.url));

/** Writes a plugin package into `<scratch>/node_modules/<name>` (plain ESM, as it would be published). */
function installFakePackage(name: string, core: string, extra = ''): void {
  const root = path.join(scratch, 'node_modules', name);
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
  );
  writeFileSync(
    path.join(root, 'dist/index.js'),
    `import { definePlugin } from ${JSON.stringify(coreEntry)};
import { z } from 'zod';
export default definePlugin({
  name: ${JSON.stringify(name)},
  version: '1.0.0',
  core: ${JSON.stringify(core)},
  configSchema: z.strictObject({ greeting: z.string().default('hello') }),
  setup: (config) => ({
    middleware: [{ name: 'greeter', async handle(context, next) { context.responseHeaders['x-greeting'] = config.greeting; await next(); } }],
    handlers: [{ method: 'GET', path: '/plugin/ping', handle: () => ({ body: { pong: config.greeting } }) }],
  }),
});
${extra}`,
  );
}

describe('plugins from the config file', () => {
  it('loads a plugin by package name, validates its config and serves its middleware and endpoints', async () => {
    installFakePackage('@acme/switchyard-greeter', '>=0.1.0');
    const config = parseConfig({ plugins: [{ package: '@acme/switchyard-greeter', config: { greeting: 'hej' } }] }, {});
    const gateway = await loadGatewayFromConfig(config, { env: {}, logger: createJsonLogger({ level: 'silent' }), cwd: scratch });
    try {
      const response = await gateway.fetch(
        new Request('http://gw/v1/chat/completions', {
          method: 'POST',
          body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
        }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('x-greeting')).toBe('hej');
      expect(await (await gateway.fetch(new Request('http://gw/plugin/ping'))).json()).toEqual({ pong: 'hej' });
    } finally {
      await gateway.close();
    }
  });

  it('refuses to start with a plugin built for another core, or with a bad plugin config', async () => {
    installFakePackage('switchyard-future', '^9.0.0');
    const future = parseConfig({ plugins: ['switchyard-future'] }, {});
    await expect(loadGatewayFromConfig(future, { env: {}, logger: silentLogger, cwd: scratch })).rejects.toThrow(
      /Plugin "switchyard-future": version 1.0.0 supports @switchyard\/core \^9.0.0, but this gateway runs \d+\.\d+\.\d+/,
    );
    installFakePackage('switchyard-strict', '*');
    const bad = parseConfig({ plugins: [{ package: 'switchyard-strict', config: { greting: 'typo' } }] }, {});
    await expect(loadGatewayFromConfig(bad, { env: {}, logger: silentLogger, cwd: scratch })).rejects.toThrow(/invalid config/);
    await expect(loadPlugins([{ package: 'not-installed-anywhere' }], scratch)).rejects.toThrow(/cannot find the package/);
  });

  it('reports a module that is not a plugin', async () => {
    const file = path.join(scratch, 'not-a-plugin.mjs');
    writeFileSync(file, 'export default { hello: true };');
    await expect(loadPlugins([{ package: './not-a-plugin.mjs' }], scratch)).rejects.toThrow(/not a Switchyard plugin/);
  });
});

describe('switchyard plugin new', () => {
  for (const kind of ['middleware', 'provider'] as const) {
    it(`scaffolds a ${kind} plugin that passes its own checks`, async () => {
      let out = '';
      const code = await runCli(
        ['plugin', 'new', `@acme/switchyard-${kind}-demo`, '--kind', kind, '--dir', path.join(scratch, kind)],
        {
          env: {},
          stdout: (text) => {
            out += text;
          },
          stderr: (text) => {
            out += text;
          },
        },
      );
      expect(code, out).toBe(0);
      const manifest = JSON.parse(readFileSync(path.join(scratch, kind, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(manifest).toMatchObject({ name: `@acme/switchyard-${kind}-demo`, type: 'module', files: ['dist', 'README.md'] });
      const plugin = ((await import(path.join(scratch, kind, 'src/index.ts'))) as { default: unknown }).default;
      expect(isPlugin(plugin)).toBe(true);
      if (!isPlugin(plugin)) return;
      const parts = await setupPlugins([{ plugin, config: {} }], {
        store: createMemoryStore(),
        logger: silentLogger,
        env: {},
        providers: [],
      });
      const gateway = createGateway({
        providers: [createMockProvider(), ...parts.providers],
        middleware: parts.middleware,
        logger: silentLogger,
      });
      const response = await gateway.fetch(
        new Request('http://gw/v1/chat/completions', {
          method: 'POST',
          headers: { 'x-team': 'red' },
          body: JSON.stringify({
            model: kind === 'provider' ? 'shouty/shout' : 'mock/echo',
            messages: [{ role: 'user', content: 'hi' }],
          }),
        }),
      );
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]?.message.content).toBe(kind === 'provider' ? 'HI' : 'echo: hi');
      if (kind === 'middleware') expect(response.headers.get('x-plugin-tag')).toBe('checked');
      await gateway.close();
    });
  }

  it('refuses an invalid name and an existing folder', async () => {
    let err = '';
    const io = { env: {}, stdout: () => {}, stderr: (text: string) => (err += text) };
    expect(await runCli(['plugin', 'new', 'Bad Name'], io)).toBe(1);
    expect(err).toContain('not a valid npm package name');
    expect(await runCli(['plugin', 'new', 'x-plugin', '--dir', scratch], io)).toBe(1);
    expect(err).toContain('already exists');
  });
});
