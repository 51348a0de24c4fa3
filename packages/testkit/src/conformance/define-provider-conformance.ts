/**
 * `defineProviderConformance(options)`: registers the provider conformance checks as vitest tests in the
 * calling test file, one test per check, sharing one fake upstream and one provider.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { planConformanceChecks } from './conformance-checks.js';
import type { ConformanceContext, ConformanceProvider, ConformanceUpstream, ProviderConformanceOptions } from './types.js';

/** Looks like a key (so redaction patterns apply) and is never a real one. */
export const defaultConformanceApiKey = 'sk-conformance-3f9c2e7a1b5d4c60';

/**
 * Registers `<name> provider conformance` with one test per check. Checks whose capability the options
 * do not claim are left out (see `planConformanceChecks` for the list and the reasons).
 *
 * @example
 * defineProviderConformance({
 *   name: 'my-host',
 *   startUpstream: ({ apiKey }) => startFakeOpenAI({ apiKey }),
 *   createProvider: ({ url, apiKey }) => createMyHostProvider({ baseURL: url, apiKey }),
 *   model: 'gpt-4o-mini',
 *   scripts: openAIConformanceScripts,
 *   capabilities: { tools: true, embeddings: true, parallelToolCalls: true },
 *   unknownFieldsForwarded: ['metadata', 'seed'],
 * });
 */
export function defineProviderConformance<TScripted>(options: ProviderConformanceOptions<TScripted>): void {
  const apiKey = options.apiKey ?? defaultConformanceApiKey;
  let upstream: ConformanceUpstream<TScripted> | undefined;
  let provider: ConformanceProvider | undefined;

  function context(): ConformanceContext<TScripted> {
    if (upstream === undefined || provider === undefined) throw new Error('The conformance upstream did not start.');
    return { provider, upstream, options, apiKey };
  }

  describe(`${options.name} provider conformance`, () => {
    beforeAll(async () => {
      upstream = await options.startUpstream({ apiKey });
      provider = options.createProvider({ url: upstream.url, apiKey });
    });
    afterEach(() => {
      upstream?.reset?.();
    });
    afterAll(async () => {
      await provider?.close?.();
      await upstream?.close();
    });

    // Checks for capabilities the provider does not claim are not registered at all (a skipped test would
    // read as a gap); `planConformanceChecks(options)` lists them with the reason.
    for (const { check, skipReason } of planConformanceChecks(options)) {
      if (skipReason === undefined) it(`${check.id}: ${check.title}`, () => check.run(context()));
    }
  });
}
