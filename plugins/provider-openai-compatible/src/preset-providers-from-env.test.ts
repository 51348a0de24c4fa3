import type { ProviderV1 } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { presetProvidersFromEnv } from './preset-providers-from-env.js';
import { presets } from './presets.js';

const providers: ProviderV1[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close?.()));
});

function fromEnv(env: Record<string, string | undefined>): string[] {
  const created = presetProvidersFromEnv(env);
  providers.push(...created);
  return created.map((provider) => provider.id);
}

describe('presetProvidersFromEnv', () => {
  it('enables nothing in an empty environment', () => {
    expect(fromEnv({})).toEqual([]);
  });

  it('enables hosted presets by key and local ones by base URL', () => {
    expect(
      fromEnv({
        GROQ_API_KEY: 'gsk',
        OPENROUTER_API_KEY: 'sk-or',
        DEEPSEEK_API_KEY: '',
        OLLAMA_BASE_URL: 'http://127.0.0.1:11434/v1',
        VLLM_API_KEY: 'token-without-base-url',
      }),
    ).toEqual(['groq', 'openrouter', 'ollama']);
  });

  it('enables every preset when all are configured', () => {
    const env: Record<string, string> = {};
    for (const preset of Object.values(presets)) {
      if (preset.apiKeyEnv) env[preset.apiKeyEnv] = 'key';
      env[preset.baseURLEnv] = preset.baseURL;
    }
    expect(fromEnv(env)).toEqual(['deepseek', 'groq', 'mistral', 'together', 'openrouter', 'ollama', 'vllm']);
  });
});

describe('presets', () => {
  it('are well-formed data', () => {
    for (const [name, preset] of Object.entries(presets)) {
      expect(preset.id).toBe(name);
      expect(new URL(preset.baseURL).pathname).toMatch(/\/v1$/);
      expect(preset.baseURLEnv).toMatch(/_BASE_URL$/);
      if (preset.requiresApiKey) expect(preset.apiKeyEnv).toMatch(/_API_KEY$/);
    }
    expect(presets.ollama.apiKeyEnv).toBeUndefined();
    expect(presets.vllm).toMatchObject({ apiKeyEnv: 'VLLM_API_KEY', requiresApiKey: false });
  });
});
