import { startFakeOpenAI } from '@switchyard/testkit';
import { definePluginConformance, defineProviderConformance, openAIConformanceScripts } from '@switchyard/testkit/conformance';
import { afterAll } from 'vitest';
import plugin, { createNimbusProvider } from '../src/index.js';

const apiKey = 'nb-conformance-0123456789';

// The provider itself, against a fake upstream that speaks OpenAI's wire format, faults included.
defineProviderConformance({
  name: 'nimbus',
  startUpstream: ({ apiKey: key }) => startFakeOpenAI({ apiKey: key }),
  createProvider: ({ url, apiKey: key }) => createNimbusProvider({ apiKey: key, baseURL: url }),
  model: 'nimbus-large',
  scripts: openAIConformanceScripts,
  capabilities: { tools: true, embeddings: true, parallelToolCalls: false },
  unknownFieldsForwarded: { metadata: { tenant: 'conformance' }, seed: 7 },
});

// The plugin around it: manifest, config schema, and a request to nimbus/<model> through a real gateway.
const upstream = await startFakeOpenAI({ apiKey });
afterAll(() => upstream.close());

definePluginConformance(plugin, {
  config: { apiKey, baseURL: upstream.url },
  model: 'nimbus/nimbus-large',
  invalidConfigs: [{ region: 'mars' }, { id: 'Nimbus!' }, { apiKey: 'short' }, { baseURL: 'not a url' }, { other: 1 }],
});
