// @ts-check
// Packs every public package into a temporary folder, lists each tarball and checks it (see
// `inspectPackage`). Exits with 1 when a package cannot be packed or a tarball has a problem.
// Usage: node examples/packed-app/src/check-packs.js [--list]   (build first: pnpm build)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspectPackage, listFiles, listPublicPackages, packAll, repoRoot, unpack } from './packs.js';

const listEveryFile = process.argv.includes('--list');
const work = await mkdtemp(path.join(tmpdir(), 'switchyard-check-packs-'));
let failed = 0;
try {
  const license = await readFile(path.join(repoRoot, 'LICENSE'), 'utf8');
  const packed = await packAll(await listPublicPackages(), path.join(work, 'tarballs'));
  for (const pkg of packed) {
    const dir = await unpack(pkg.tarball, path.join(work, 'unpacked', path.basename(pkg.tarball, '.tgz')));
    const files = await listFiles(dir);
    const problems = await inspectPackage(dir, { license });
    const entries = Object.keys(/** @type {object} */ (pkg.manifest.exports ?? {})).join(', ');
    console.log(
      `${problems.length === 0 ? 'ok  ' : 'FAIL'} ${pkg.name}@${pkg.version}: ${files.length} files, exports ${entries}`,
    );
    if (listEveryFile) for (const file of files) console.log(`       ${file}`);
    for (const problem of problems) console.log(`       - ${problem}`);
    if (problems.length > 0) failed++;
  }
  console.log(`${packed.length} packages packed, ${failed} with problems`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  failed++;
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exitCode = failed > 0 ? 1 : 0;
