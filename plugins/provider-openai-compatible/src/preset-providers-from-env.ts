import type { ProviderV1 } from '@switchyard/spec';
import { createOpenAICompatible } from './openai-compatible.js';
import { presetNames, presets } from './presets.js';
import { type Environment, readEnvironment } from './read-environment.js';

/**
 * One provider per preset the environment configures: hosted presets when their API key variable is set
 * (`GROQ_API_KEY`, ...), local ones (Ollama, vLLM) when their base URL variable is set (`OLLAMA_BASE_URL`,
 * `VLLM_BASE_URL`). Presets the environment does not mention are left out.
 */
export function presetProvidersFromEnv(env: Environment = process.env): ProviderV1[] {
  const providers: ProviderV1[] = [];
  for (const name of presetNames) {
    const preset = presets[name];
    const enabledBy = preset.requiresApiKey ? preset.apiKeyEnv : preset.baseURLEnv;
    if (readEnvironment(env, enabledBy) !== undefined) providers.push(createOpenAICompatible({ preset: name, env }));
  }
  return providers;
}
