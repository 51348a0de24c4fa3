// @ts-check
import { fileURLToPath } from 'node:url';

/** @type {import('next').NextConfig} */
const config = {
  // The gateway and its providers run as plain Node modules (undici pools, node:crypto, streams): Next
  // loads them from node_modules at run time instead of bundling them.
  serverExternalPackages: ['@switchyard/core', '@switchyard/next', '@switchyard/provider-mock', '@switchyard/provider-openai'],
  // The workspace root, so Next does not guess it from the lockfile.
  outputFileTracingRoot: fileURLToPath(new URL('../..', import.meta.url)),
  // No image optimisation: the app serves no images, and it keeps `sharp` (a native build) out of the picture.
  images: { unoptimized: true },
  // The repository lints with Biome; Next's ESLint step has nothing to add here.
  eslint: { ignoreDuringBuilds: true },
  poweredByHeader: false,
};

export default config;
