import { startFakeAnthropic } from '@switchyard/testkit';
import { anthropicConformanceScripts, defineProviderConformance } from '@switchyard/testkit/conformance';
import { createAnthropicProvider } from './anthropic-provider.js';

defineProviderConformance({
  name: 'anthropic',
  startUpstream: ({ apiKey }) => startFakeAnthropic({ apiKey }),
  createProvider: ({ url, apiKey }) => createAnthropicProvider({ baseURL: url, apiKey }),
  model: 'claude-sonnet-4-5',
  scripts: anthropicConformanceScripts,
  // The README: "Embeddings are not offered: Anthropic has no embeddings endpoint."
  capabilities: { tools: true, embeddings: false, parallelToolCalls: true },
  // No `unknownFieldsForwarded`: the README's "Fields knowingly not mapped" says any unknown field is dropped.
});
