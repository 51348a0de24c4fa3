// @ts-check
/**
 * Builds the app with `next build` unless `.next` already holds a build of the same sources: the stamp
 * `.next/switchyard-build-stamp` is a hash of app/, lib/ and the config files. Used by `pnpm build`
 * (so CI builds the app in its build step, before the tests run in parallel) and by the test's setup.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const appDir = fileURLToPath(new URL('..', import.meta.url));
export const nextCli = join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
export const quietEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const stampFile = join(appDir, '.next', 'switchyard-build-stamp');
/** What a build depends on: a change to any of these makes the next call build again. */
const buildInputs = ['app', 'lib', 'next.config.mjs', 'package.json', 'tsconfig.json'];
/** Workspace packages Next loads from their `dist` builds at run time (see `serverExternalPackages`). */
const workspaceDependencies = [
  'packages/core',
  'packages/spec',
  'packages/next',
  'packages/provider-utils',
  'plugins/provider-mock',
  'plugins/provider-openai',
];

/** @param {string} path @returns {string[]} */
function filesUnder(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of buildInputs.flatMap((input) => filesUnder(join(appDir, input)))) {
    hash.update(file.slice(appDir.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Runs a command to completion without blocking the process; rejects with its output if it fails.
 * @param {string} command @param {string[]} args @param {string} cwd @returns {Promise<void>}
 */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

/**
 * Builds the app unless the build in `.next` is of the same sources. The workspace packages it uses
 * must have their `dist` (the root `pnpm build` and `pnpm test` make them); any that lacks one is built.
 * @returns {Promise<'built' | 'up to date'>}
 */
export async function ensureBuilt() {
  const root = join(appDir, '..', '..');
  for (const dependency of workspaceDependencies) {
    if (!existsSync(join(root, dependency, 'dist', 'index.js'))) {
      await run('pnpm', ['--filter', `./${dependency}`, 'run', 'build'], root);
    }
  }
  const hash = sourceHash();
  if (existsSync(join(appDir, '.next', 'BUILD_ID')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    return 'up to date';
  }
  await run(process.execPath, [nextCli, 'build'], appDir);
  writeFileSync(stampFile, hash);
  return 'built';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outcome = await ensureBuilt();
  console.log(`next-app-router: ${outcome}`);
}
