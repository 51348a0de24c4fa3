// @ts-check
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);

/** The repository root (this file is `examples/packed-app/src/packs.js`). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The folders whose packages are published (examples are private). */
const PUBLISHED_FOLDERS = ['packages', 'plugins'];

/**
 * @typedef {object} Manifest
 * @property {string} name
 * @property {string} version
 * @property {boolean} [private]
 * @property {string} [type]
 * @property {string} [license]
 * @property {string} [main]
 * @property {string} [types]
 * @property {unknown} [exports]
 * @property {string | Record<string, string>} [bin]
 * @property {Record<string, string>} [dependencies]
 * @property {Record<string, string>} [peerDependencies]
 * @property {Record<string, string>} [optionalDependencies]
 * @property {Record<string, string>} [devDependencies]
 * @property {{ access?: string }} [publishConfig]
 * @property {Record<string, string>} [engines]
 */

/**
 * @typedef {object} WorkspacePackage
 * @property {string} name
 * @property {string} version
 * @property {string} dir Absolute path of the package in the workspace.
 * @property {Manifest} manifest
 */

/**
 * @typedef {WorkspacePackage & { tarball: string }} PackedPackage
 */

/**
 * Every package of `packages/*` and `plugins/*` that is not private, sorted by name.
 *
 * @param {string} [root]
 * @returns {Promise<WorkspacePackage[]>}
 */
export async function listPublicPackages(root = repoRoot) {
  /** @type {WorkspacePackage[]} */
  const found = [];
  for (const folder of PUBLISHED_FOLDERS) {
    for (const entry of await readdir(path.join(root, folder), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(root, folder, entry.name);
      const manifestPath = path.join(dir, 'package.json');
      if (!existsSync(manifestPath)) continue;
      /** @type {Manifest} */
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
      if (manifest.private) continue;
      found.push({ name: manifest.name, version: manifest.version, dir, manifest });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The file name `pnpm pack` gives a package's tarball: `@scope/name` 1.2.3 becomes `scope-name-1.2.3.tgz`.
 *
 * @param {string} name
 * @param {string} version
 */
export function tarballName(name, version) {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Packs each package with `pnpm pack --pack-destination` (which rewrites `workspace:` ranges the way
 * `pnpm publish` does), a few at a time. Throws, naming the package, when one cannot be packed.
 *
 * @param {readonly WorkspacePackage[]} packages
 * @param {string} destination
 * @param {{ concurrency?: number }} [options]
 * @returns {Promise<PackedPackage[]>}
 */
export async function packAll(packages, destination, { concurrency = 4 } = {}) {
  await mkdir(destination, { recursive: true });
  /** @type {PackedPackage[]} */
  const packed = [];
  let next = 0;
  async function worker() {
    for (let index = next++; index < packages.length; index = next++) {
      const pkg = /** @type {WorkspacePackage} */ (packages[index]);
      try {
        await run('pnpm', ['pack', '--pack-destination', destination], { cwd: pkg.dir, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const { stderr = '', stdout = '' } = /** @type {{ stderr?: string, stdout?: string }} */ (error);
        throw new Error(`pnpm pack failed for ${pkg.name}:\n${stderr || stdout || String(error)}`);
      }
      const tarball = path.join(destination, tarballName(pkg.name, pkg.version));
      if (!existsSync(tarball)) throw new Error(`pnpm pack did not write ${tarball} for ${pkg.name}`);
      packed.push({ ...pkg, tarball });
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, packages.length) }, worker));
  return packed.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Extracts a tarball into `directory` (npm tarballs hold one top folder, `package/`) and returns the
 * path of that folder.
 *
 * @param {string} tarball
 * @param {string} directory
 */
export async function unpack(tarball, directory) {
  await mkdir(directory, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', directory]);
  return path.join(directory, 'package');
}

/**
 * Every file under `directory`, as `/`-separated paths relative to it, sorted.
 *
 * @param {string} directory
 * @returns {Promise<string[]>}
 */
export async function listFiles(directory) {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

const TEST_FILE = /(^|\/)(test|tests|__tests__|__mocks__)\/|\.(test|spec)\.|\.tsbuildinfo$/;
const BUILTINS = new Set(builtinModules);

/**
 * The modules a file imports (`import`, `export … from`, `import('x')`), found by TypeScript's own
 * scanner, so that code inside strings and template literals (the scaffold's templates) is not taken
 * for imports.
 *
 * @param {string} text
 * @returns {string[]}
 */
function importsOf(text) {
  return ts.preProcessFile(text, true, true).importedFiles.map((reference) => reference.fileName);
}

/**
 * The package name a bare specifier imports (`@scope/name/sub` → `@scope/name`).
 *
 * @param {string} specifier
 */
function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : /** @type {string} */ (parts[0]);
}

/**
 * The file a target of `exports`, `main`, `types` or `bin` names, relative to the package root.
 *
 * @param {string} target
 */
function normalise(target) {
  return path.posix.normalize(target).replace(/^\.\//, '');
}

/**
 * Checks an unpacked tarball the way a consumer would meet it. Returns one line per problem (empty when
 * the tarball is good):
 * - `package.json`, `README.md` and a `LICENSE` equal to the repository's are present;
 * - no test files, no `workspace:` ranges, ESM (`type: module`), `publishConfig.access: public` when scoped;
 * - every `exports` entry has `types` and `import` conditions naming files in the tarball, as do `main`,
 *   `types` and every `bin` (which must start with a `#!/usr/bin/env node` line);
 * - in every `.js` and `.d.ts` file, relative imports name files in the tarball and bare imports name
 *   Node built-ins, the package itself, or its dependencies, peer or optional dependencies.
 *
 * @param {string} packageDir The unpacked `package/` folder.
 * @param {{ license: string }} expected The repository's LICENSE text.
 * @returns {Promise<string[]>}
 */
export async function inspectPackage(packageDir, { license }) {
  /** @type {string[]} */
  const problems = [];
  const files = await listFiles(packageDir);
  const has = new Set(files);
  if (!has.has('package.json')) return ['no package.json'];
  /** @type {Manifest} */
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));

  if (!has.has('README.md')) problems.push('no README.md');
  if (!has.has('LICENSE')) problems.push('no LICENSE');
  else if ((await readFile(path.join(packageDir, 'LICENSE'), 'utf8')) !== license)
    problems.push('LICENSE differs from the repository LICENSE');
  if (manifest.license !== 'Apache-2.0') problems.push(`license field is ${JSON.stringify(manifest.license)}, not "Apache-2.0"`);
  if (manifest.type !== 'module') problems.push('package.json has no "type": "module"');
  if (!manifest.engines?.node) problems.push('package.json has no engines.node');
  if (manifest.name.startsWith('@') && manifest.publishConfig?.access !== 'public')
    problems.push('scoped package without publishConfig.access "public"');
  for (const file of files) if (TEST_FILE.test(file)) problems.push(`test file shipped: ${file}`);

  const dependencyFields = /** @type {const} */ (['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']);
  for (const field of dependencyFields) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}"`);
    }
  }

  /**
   * @param {string} label
   * @param {string | undefined} target
   */
  const expectFile = (label, target) => {
    if (target === undefined) problems.push(`${label} is missing`);
    else if (!has.has(normalise(target))) problems.push(`${label} names ${target}, which is not in the tarball`);
  };
  expectFile('main', manifest.main);
  expectFile('types', manifest.types);

  const exportsField = manifest.exports;
  if (typeof exportsField !== 'object' || exportsField === null || !('.' in exportsField)) {
    problems.push('no "exports" map with a "." entry');
  } else {
    for (const [subpath, conditions] of Object.entries(exportsField)) {
      if (typeof conditions === 'string') {
        problems.push(`exports["${subpath}"] is a bare string: give it "types" and "import" conditions`);
        continue;
      }
      const { types, import: importTarget } = /** @type {Record<string, unknown>} */ (conditions);
      const keys = Object.keys(/** @type {object} */ (conditions));
      if (keys[0] !== 'types') problems.push(`exports["${subpath}"]: "types" must be the first condition`);
      if (typeof types !== 'string' || !types.endsWith('.d.ts'))
        problems.push(`exports["${subpath}"].types must name a .d.ts file`);
      if (typeof importTarget !== 'string' || !importTarget.endsWith('.js'))
        problems.push(`exports["${subpath}"].import must name a .js file`);
      if (typeof types === 'string') expectFile(`exports["${subpath}"].types`, types);
      if (typeof importTarget === 'string') expectFile(`exports["${subpath}"].import`, importTarget);
    }
  }

  const bins =
    typeof manifest.bin === 'string'
      ? { [packageOf(manifest.name).split('/').pop() ?? manifest.name]: manifest.bin }
      : (manifest.bin ?? {});
  for (const [command, target] of Object.entries(bins)) {
    expectFile(`bin.${command}`, target);
    if (has.has(normalise(target))) {
      const firstLine = (await readFile(path.join(packageDir, target), 'utf8')).split('\n', 1)[0];
      if (firstLine !== '#!/usr/bin/env node')
        problems.push(`bin.${command} (${target}) does not start with #!/usr/bin/env node`);
    }
  }

  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  for (const file of files) {
    const isDeclaration = file.endsWith('.d.ts');
    if (!isDeclaration && !file.endsWith('.js')) continue;
    const text = await readFile(path.join(packageDir, file), 'utf8');
    for (const specifier of importsOf(text)) {
      if (specifier.startsWith('.')) {
        let target = path.posix.join(path.posix.dirname(file), specifier);
        if (isDeclaration) target = target.replace(/\.js$/, '.d.ts');
        if (!has.has(target)) problems.push(`${file} imports ${specifier}, which is not in the tarball`);
      } else if (specifier.startsWith('node:') || BUILTINS.has(specifier)) {
        // Node's own modules.
      } else if (!declared.has(packageOf(specifier))) {
        problems.push(
          `${file} imports ${specifier}, but ${packageOf(specifier)} is not a dependency, peer or optional dependency`,
        );
      }
    }
  }
  return problems;
}
