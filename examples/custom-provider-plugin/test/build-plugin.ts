import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds `dist/` with tsc unless it is newer than every file in `src/` (CI's `pnpm build` has built it
 * already). The config file loads the plugin from `dist/`, as a gateway loads a published package.
 */
export function ensureBuilt(): void {
  const entry = `${root}dist/index.js`;
  const sources = readdirSync(`${root}src`).map((file) => statSync(`${root}src/${file}`).mtimeMs);
  if (existsSync(entry) && statSync(entry).mtimeMs >= Math.max(...sources)) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

export const exampleRoot = root;
