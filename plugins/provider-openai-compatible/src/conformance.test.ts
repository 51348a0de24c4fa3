import { startFakeOpenAI } from '@switchyard/testkit';
import { defineProviderConformance, openAIConformanceScripts } from '@switchyard/testkit/conformance';
import { createOpenAICompatible } from './openai-compatible.js';
import { presetNames } from './presets.js';

// Every preset, pointed at the fake: the preset's quirks apply on the wire, everything else is OpenAI's API.
for (const preset of presetNames) {
  defineProviderConformance({
    name: `openai-compatible (${preset} preset)`,
    startUpstream: ({ apiKey }) => startFakeOpenAI({ apiKey }),
    createProvider: ({ url, apiKey }) => createOpenAICompatible({ preset, baseURL: url, apiKey, env: {} }),
    model: 'conformance-model',
    scripts: openAIConformanceScripts,
    capabilities: { tools: true, embeddings: true, parallelToolCalls: true },
    // Fields no preset renames or drops (Mistral renames `seed`, Groq drops `logprobs`, ...).
    unknownFieldsForwarded: { metadata: { tenant: 'conformance' }, x_switchyard_probe: ['kept', 1] },
  });
}
