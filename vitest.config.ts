import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Tests import workspace packages from source, so a change is tested without rebuilding. */
const alias = Object.fromEntries(
  ['packages', 'plugins'].flatMap((folder) =>
    readdirSync(new URL(`./${folder}/`, import.meta.url)).map((name) => [
      `@switchyard/${name}`,
      `${root}${folder}/${name}/src/index.ts`,
    ]),
  ),
);

export default defineConfig({
  resolve: { alias: { '@switchyard/testkit/conformance': `${root}packages/testkit/src/conformance/index.ts`, ...alias } },
  test: {
    include: ['{packages,plugins,examples}/*/{src,test}/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/out/vitest.json' }]] : ['default'],
  },
});
