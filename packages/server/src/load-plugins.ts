import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPlugin, PluginError, type SwitchyardPlugin } from '@switchyard/core';

export interface PluginEntry {
  /** An npm package name (resolved from `cwd`) or a path to a module (`./plugins/mine.js`). */
  package: string;
  config?: unknown;
}

/**
 * Finds a package's ESM entry from `cwd` the way Node would for an `import`: the nearest
 * `node_modules/<name>`, then its `exports["."]` (`import`, then `default`), else `module`/`main`.
 */
export function resolvePackageEntry(specifier: string, cwd: string): string {
  if (specifier.startsWith('.') || path.isAbsolute(specifier)) return path.resolve(cwd, specifier);
  for (let directory = cwd; ; directory = path.dirname(directory)) {
    const root = path.join(directory, 'node_modules', specifier);
    const manifestPath = path.join(root, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        exports?: unknown;
        module?: string;
        main?: string;
      };
      return path.join(root, entryFromManifest(manifest));
    }
    if (path.dirname(directory) === directory) break;
  }
  throw new PluginError(specifier, `cannot find the package from ${cwd}; install it (npm install ${specifier}).`);
}

function entryFromManifest(manifest: { exports?: unknown; module?: string; main?: string }): string {
  let exported = manifest.exports;
  if (typeof exported === 'object' && exported !== null && '.' in exported) exported = (exported as Record<string, unknown>)['.'];
  for (;;) {
    if (typeof exported === 'string') return exported;
    if (typeof exported !== 'object' || exported === null) break;
    const conditions = exported as Record<string, unknown>;
    const next = conditions.import ?? conditions.node ?? conditions.default;
    if (next === undefined) break;
    exported = next;
  }
  return manifest.module ?? manifest.main ?? 'index.js';
}

/** Imports the plugins a config names; each module's default export (or `plugin` export) must be a plugin. */
export async function loadPlugins(
  entries: readonly PluginEntry[],
  cwd = process.cwd(),
): Promise<Array<{ plugin: SwitchyardPlugin<unknown>; config?: unknown }>> {
  const loaded: Array<{ plugin: SwitchyardPlugin<unknown>; config?: unknown }> = [];
  for (const entry of entries) {
    const file = resolvePackageEntry(entry.package, cwd);
    let module: { default?: unknown; plugin?: unknown };
    try {
      module = (await import(pathToFileURL(file).href)) as typeof module;
    } catch (error) {
      throw new PluginError(entry.package, `failed to load: ${(error as Error).message}`);
    }
    const plugin = isPlugin(module.default) ? module.default : module.plugin;
    if (!isPlugin(plugin)) {
      throw new PluginError(
        entry.package,
        'its default export is not a Switchyard plugin (make it with definePlugin from @switchyard/core).',
      );
    }
    loaded.push({ plugin, config: entry.config });
  }
  return loaded;
}
