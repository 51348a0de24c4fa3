import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectPackage, listPublicPackages, type PackedPackage, packAll, repoRoot, unpack } from '../src/packs.js';

const run = promisify(execFile);

/** The test's environment minus what pnpm passes to scripts (`npm_config_*` would steer npm in the scratch app). */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set(['npm_config_registry', 'npm_config_cache']);
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key) || keep.has(key.toLowerCase())),
  );
}

function tail(text: string, lines = 30): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

let work: string;
let license: string;
let packed: PackedPackage[];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'switchyard-packed-app-'));
  license = await readFile(path.join(repoRoot, 'LICENSE'), 'utf8');
  const packages = await listPublicPackages();
  const unbuilt = packages.filter((pkg) => !existsSync(path.join(pkg.dir, 'dist'))).map((pkg) => pkg.name);
  if (unbuilt.length > 0) throw new Error(`not built (run pnpm build first): ${unbuilt.join(', ')}`);
  packed = await packAll(packages, path.join(work, 'tarballs'));
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it('pack every public package of packages/ and plugins/', async () => {
    const names = packed.map((pkg) => pkg.name);
    expect(names).toContain('@switchyard/core');
    expect(names).toContain('@switchyard/server');
    expect(names).toContain('@switchyard/testkit');
    expect(names).toContain('@switchyard/provider-mock');
    expect(names.every((name) => name.startsWith('@switchyard/'))).toBe(true);
    expect(names.filter((name) => name.startsWith('@switchyard/example-'))).toEqual([]);
  });

  it('hold their files, README, LICENSE and resolvable exports, and no tests or workspace: ranges', async () => {
    const problems: Record<string, string[]> = {};
    for (const pkg of packed) {
      const dir = await unpack(pkg.tarball, path.join(work, 'unpacked', pkg.name));
      const found = await inspectPackage(dir, { license });
      if (found.length > 0) problems[pkg.name] = found;
    }
    expect(problems).toEqual({});
  }, 120_000);

  it('ship the cost price snapshot and the server bin', async () => {
    const cost = packed.find((pkg) => pkg.name === '@switchyard/cost');
    const server = packed.find((pkg) => pkg.name === '@switchyard/server');
    if (!cost || !server) throw new Error('cost or server was not packed');
    const costDir = await unpack(cost.tarball, path.join(work, 'unpacked-again', 'cost'));
    const snapshot = JSON.parse(await readFile(path.join(costDir, 'dist/prices/snapshot.json'), 'utf8')) as unknown;
    expect(snapshot).toBeTypeOf('object');
    const serverDir = await unpack(server.tarball, path.join(work, 'unpacked-again', 'server'));
    const manifest = JSON.parse(await readFile(path.join(serverDir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ switchyard: './dist/bin.js' });
    expect(existsSync(path.join(serverDir, 'dist/bin.js'))).toBe(true);
  });
});

describe('the inspection', () => {
  it('reports missing files, bad exports, test files, workspace: ranges and undeclared imports', async () => {
    const dir = path.join(work, 'bad', 'package');
    await mkdir(path.join(dir, 'dist'), { recursive: true });
    await writeFile(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: '@switchyard/bad',
        version: '1.0.0',
        type: 'module',
        license: 'MIT',
        main: './dist/index.js',
        types: './dist/index.d.ts',
        exports: { '.': { import: './dist/index.js', types: './dist/index.d.ts' }, './extra': './dist/extra.js' },
        bin: { bad: './dist/bin.js' },
        dependencies: { '@switchyard/core': 'workspace:^' },
      }),
    );
    await writeFile(
      path.join(dir, 'dist/index.js'),
      "import './missing.js';\nimport pad from 'left-pad';\nconst s = `import x from 'not-real'`;\n",
    );
    await writeFile(path.join(dir, 'dist/bin.js'), "console.log('no shebang');\n");
    await writeFile(path.join(dir, 'dist/index.test.js'), '');
    await writeFile(path.join(dir, 'LICENSE'), 'not the licence');

    const problems = await inspectPackage(dir, { license });
    expect(problems).toEqual(
      expect.arrayContaining([
        'no README.md',
        'LICENSE differs from the repository LICENSE',
        'license field is "MIT", not "Apache-2.0"',
        'package.json has no engines.node',
        'scoped package without publishConfig.access "public"',
        'test file shipped: dist/index.test.js',
        'dependencies.@switchyard/core is still "workspace:^"',
        'types names ./dist/index.d.ts, which is not in the tarball',
        'exports["."]: "types" must be the first condition',
        'exports["."].types names ./dist/index.d.ts, which is not in the tarball',
        'exports["./extra"] is a bare string: give it "types" and "import" conditions',
        'bin.bad (./dist/bin.js) does not start with #!/usr/bin/env node',
        'dist/index.js imports ./missing.js, which is not in the tarball',
        'dist/index.js imports left-pad, but left-pad is not a dependency, peer or optional dependency',
      ]),
    );
    expect(problems.join('\n')).not.toContain('not-real');
  });
});

/** npm's own timeout for the install; the test's is longer so that npm's error is the one reported. */
const INSTALL_TIMEOUT_MS = 180_000;

/** Writes the scratch app and installs the tarballs into it with npm (once; later callers share the result). */
async function installScratchApp(app: string): Promise<void> {
  await mkdir(app, { recursive: true });
  const dependencies = Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));
  await writeFile(
    path.join(app, 'package.json'),
    `${JSON.stringify({ name: 'switchyard-packed-app-scratch', version: '0.0.0', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  await copyFile(path.join(import.meta.dirname, '../scratch/smoke.js'), path.join(app, 'smoke.js'));
  const registry = process.env.npm_config_registry ?? 'https://registry.npmjs.org/';
  // Any HTTP answer will do; without one, npm would spend minutes retrying before it gives up.
  try {
    await fetch(registry, { method: 'HEAD', signal: AbortSignal.timeout(20_000) });
  } catch (error) {
    throw new Error(
      `the npm registry (${registry}) cannot be reached from this machine (${(error as Error).message}), so npm cannot ` +
        'install the third-party dependencies of the packed tarballs into the scratch app.',
    );
  }
  try {
    // --legacy-peer-deps: the adapters' peers (express, fastify, next with react) are not needed to import
    // them, and next alone would take most of the time budget. Short retry back-offs make an unreachable
    // registry fail in seconds rather than minutes.
    const args = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', '--no-package-lock'];
    args.push('--fetch-retries=2', '--fetch-retry-mintimeout=1000', '--fetch-retry-maxtimeout=5000');
    await run('npm', args, { cwd: app, env: cleanEnv(), timeout: INSTALL_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const {
      stderr = '',
      stdout = '',
      killed,
      code,
    } = error as { stderr?: string; stdout?: string; killed?: boolean; code?: unknown };
    const how = killed ? `did not finish within ${INSTALL_TIMEOUT_MS / 1000} s` : `exited with ${String(code)}`;
    throw new Error(
      `npm install of the packed tarballs ${how} in ${app}. Their third-party dependencies come from the npm ` +
        `registry (${registry}): is it reachable from this machine?\n${tail(stderr || stdout || String(error))}`,
    );
  }
}

describe('a scratch app outside the workspace, installed from the tarballs with npm', () => {
  let app: string;
  let installing: Promise<void> | undefined;
  /** Every test below needs the install: it fails (with npm's reason), never skips, when the install failed. */
  const installed = () => {
    app ??= path.join(work, 'app');
    installing ??= installScratchApp(app);
    return installing;
  };

  it(
    'installs every tarball with npm',
    async () => {
      await installed();
      expect(existsSync(path.join(app, 'node_modules', '.bin', 'switchyard'))).toBe(true);
    },
    INSTALL_TIMEOUT_MS + 30_000,
  );

  it('uses the tarballs for every @switchyard dependency, not copies from the registry', async () => {
    await installed();
    for (const pkg of packed) {
      const installed = JSON.parse(await readFile(path.join(app, 'node_modules', pkg.name, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(installed.version, pkg.name).toBe(pkg.version);
      expect(
        existsSync(path.join(app, 'node_modules', pkg.name, 'node_modules', '@switchyard')),
        `${pkg.name} has nested @switchyard packages`,
      ).toBe(false);
    }
  });

  it('imports every package, starts the gateway from a config with the mock provider and answers chat requests', async () => {
    await installed();
    const names = packed.map((pkg) => pkg.name);
    const { stdout } = await run('node', ['smoke.js'], {
      cwd: app,
      env: { ...cleanEnv(), SWITCHYARD_PACKAGES: JSON.stringify(names) },
      timeout: 60_000,
    }).catch((error: { stderr?: string; message: string }) => {
      throw new Error(`smoke.js failed in the scratch app:\n${tail(error.stderr ?? error.message)}`);
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
      exportCounts: Record<string, number>;
      mockReply: string;
      upstreamReply: string;
      upstreamRequests: number;
    };
    expect(Object.keys(result.exportCounts).sort()).toEqual([...names].sort());
    expect(result.mockReply).toBe('echo: ping');
    expect(result.upstreamReply).toBe('echo: pong');
    expect(result.upstreamRequests).toBe(1);
  }, 90_000);

  it('runs the switchyard bin with npx', async () => {
    await installed();
    const server = packed.find((pkg) => pkg.name === '@switchyard/server');
    // npx finds the bin the install linked in node_modules/.bin, so nothing is fetched.
    const { stdout } = await run('npx', ['switchyard', '--version'], { cwd: app, env: cleanEnv(), timeout: 60_000 });
    expect(stdout.trim()).toBe(server?.version);
  }, 90_000);
});
