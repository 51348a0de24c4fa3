import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example's folder, and the Next.js CLI it runs. */
export const appDir = fileURLToPath(new URL('..', import.meta.url));
const nextCli = join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
const stampFile = join(appDir, '.next', 'switchyard-build-stamp');
/** What a build depends on: a change to any of these makes the next test run build again. */
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

const quietEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of buildInputs.flatMap((input) => filesUnder(join(appDir, input)))) {
    hash.update(file.slice(appDir.length)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Builds the app with `next build` unless `.next` already holds a build of the same sources (the stamp is
 * a hash of app/, lib/ and the config files). The workspace packages it uses must have their `dist`
 * (the root `pnpm test` builds them first); any that lacks one is built here.
 */
export async function ensureBuilt(): Promise<void> {
  const root = join(appDir, '..', '..');
  for (const dependency of workspaceDependencies) {
    if (!existsSync(join(root, dependency, 'dist', 'index.js'))) {
      await run('pnpm', ['--filter', `./${dependency}`, 'run', 'build'], root);
    }
  }
  const hash = sourceHash();
  if (existsSync(join(appDir, '.next', 'BUILD_ID')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) return;
  await run(process.execPath, [nextCli, 'build'], appDir);
  writeFileSync(stampFile, hash);
}

/** Runs a command to completion without blocking the test process; rejects with its output if it fails. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output}`)),
    );
  });
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningNextApp {
  readonly origin: string;
  close(): Promise<void>;
}

/** Runs `next start` on a free loopback port with `env` added, and waits until the gateway answers. */
export async function startNextApp(env: Record<string, string>): Promise<RunningNextApp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [nextCli, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: appDir,
    env: { ...quietEnv, SWITCHYARD_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${origin}/api/v1/models`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`next start did not answer within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    origin,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
