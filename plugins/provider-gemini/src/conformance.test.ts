import { startFakeGemini } from '@switchyard/testkit';
import { defineProviderConformance, geminiConformanceScripts } from '@switchyard/testkit/conformance';
import { createGeminiProvider } from './gemini-provider.js';

defineProviderConformance({
  name: 'gemini',
  startUpstream: ({ apiKey }) => startFakeGemini({ apiKey }),
  createProvider: ({ url, apiKey }) => createGeminiProvider({ baseURL: url, apiKey }),
  model: 'gemini-2.5-flash',
  embeddingModel: 'gemini-embedding-001',
  scripts: geminiConformanceScripts,
  capabilities: { tools: true, embeddings: true, parallelToolCalls: true },
  // No `unknownFieldsForwarded`: the README lists the OpenAI fields that are accepted and dropped.
});
