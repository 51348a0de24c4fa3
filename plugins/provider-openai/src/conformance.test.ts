import { startFakeOpenAI } from '@switchyard/testkit';
import { defineProviderConformance, openAIConformanceScripts } from '@switchyard/testkit/conformance';
import { createOpenAIProvider } from './openai-provider.js';

defineProviderConformance({
  name: 'openai',
  startUpstream: ({ apiKey }) => startFakeOpenAI({ apiKey }),
  createProvider: ({ url, apiKey }) => createOpenAIProvider({ baseURL: url, apiKey }),
  model: 'gpt-4o-mini',
  embeddingModel: 'text-embedding-3-small',
  scripts: openAIConformanceScripts,
  capabilities: { tools: true, embeddings: true, parallelToolCalls: true },
  // The README: request bodies reach OpenAI with every field the client sent (only `model` is rewritten).
  unknownFieldsForwarded: { seed: 42, metadata: { tenant: 'conformance' }, x_switchyard_probe: ['kept', 1] },
});
