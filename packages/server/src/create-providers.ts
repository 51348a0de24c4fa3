import { anthropicProviderFromEnv, createAnthropicProvider } from '@switchyard/provider-anthropic';
import { createGeminiProvider, geminiProviderFromEnv } from '@switchyard/provider-gemini';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider, openAIProviderFromEnv } from '@switchyard/provider-openai';
import {
  createOpenAICompatible,
  type PresetName,
  presetNames,
  presetProvidersFromEnv,
} from '@switchyard/provider-openai-compatible';
import type { ProviderV1 } from '@switchyard/spec';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { ProviderConfig, SwitchyardConfig } from './config-schema.js';

type Env = Readonly<Record<string, string | undefined>>;

function isPreset(name: string | undefined): name is PresetName {
  return name !== undefined && (presetNames as readonly string[]).includes(name);
}

/** The embedded defaults: the offline mock, plus every provider whose standard key variable is set. */
export function providersFromEnv(env: Env = process.env): ProviderV1[] {
  const providers: ProviderV1[] = [createMockProvider()];
  const openai = openAIProviderFromEnv(env);
  if (openai) providers.push(openai);
  const anthropic = anthropicProviderFromEnv(env);
  if (anthropic) providers.push(anthropic);
  const gemini = geminiProviderFromEnv(env);
  if (gemini) providers.push(gemini);
  providers.push(...presetProvidersFromEnv(env));
  return providers;
}

/** An environment variable's value, a blank one counting as unset (as the provider plugins read them). */
function readEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function createProvider(id: string, entry: ProviderConfig, env: Env): ProviderV1 {
  const type =
    entry.type ?? (id === 'openai' || id === 'mock' || id === 'anthropic' || id === 'gemini' ? id : 'openai-compatible');
  const common = { id, ...(entry.models ? { models: entry.models } : {}), ...(entry.http ? { http: entry.http } : {}) };
  if (type === 'mock') return createMockProvider({ id });
  if (type === 'gemini') {
    return createGeminiProvider({
      ...common,
      apiKey: entry.apiKey ?? readEnv(env, 'GEMINI_API_KEY') ?? '',
      baseURL: entry.baseURL ?? readEnv(env, 'GEMINI_BASE_URL') ?? 'https://generativelanguage.googleapis.com',
    });
  }
  if (type === 'anthropic') {
    return createAnthropicProvider({
      ...common,
      // '' rather than undefined: an undefined key would make the plugin fall back to process.env, not `env`.
      apiKey: entry.apiKey ?? readEnv(env, 'ANTHROPIC_API_KEY') ?? '',
      baseURL: entry.baseURL ?? readEnv(env, 'ANTHROPIC_BASE_URL') ?? 'https://api.anthropic.com',
    });
  }
  if (type === 'openai') {
    return createOpenAIProvider({
      ...common,
      // '' rather than undefined: an undefined key would make the plugin fall back to process.env, not `env`.
      apiKey: entry.apiKey ?? readEnv(env, 'OPENAI_API_KEY') ?? '',
      baseURL: entry.baseURL ?? readEnv(env, 'OPENAI_BASE_URL') ?? 'https://api.openai.com/v1',
      organization: entry.organization,
      project: entry.project,
    });
  }
  const preset = entry.preset ?? (isPreset(id) ? id : undefined);
  if (preset !== undefined && !isPreset(preset)) {
    throw new Error(`unknown preset "${preset}" (known: ${presetNames.join(', ')})`);
  }
  if (preset === undefined && entry.baseURL === undefined) {
    throw new Error('an openai-compatible provider needs "baseURL" or a "preset"');
  }
  return createOpenAICompatible({
    ...common,
    preset,
    apiKey: entry.apiKey,
    baseURL: entry.baseURL,
    headers: entry.headers,
    ...(entry.query ? { query: entry.query } : {}),
    env,
  });
}

/** The providers a config asks for, and a problem (with its path) for each entry that could not be built. */
export function buildProviders(
  config: SwitchyardConfig,
  env: Env = process.env,
): { providers: ProviderV1[]; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const providers: ProviderV1[] = [];
  if (config.providers === undefined) return { providers: providersFromEnv(env), issues };
  for (const [id, entry] of Object.entries(config.providers)) {
    try {
      providers.push(createProvider(id, entry, env));
    } catch (error) {
      issues.push({ path: `providers.${id}`, message: (error as Error).message });
    }
  }
  return { providers, issues };
}

/**
 * Builds the providers a config asks for. Without a `providers` section the environment decides. Every
 * entry that cannot be built is reported with its path.
 */
export function createProviders(config: SwitchyardConfig, env: Env = process.env, source?: string): ProviderV1[] {
  const { providers, issues } = buildProviders(config, env);
  if (issues.length > 0) {
    void Promise.all(providers.map((provider) => provider.close?.()));
    throw new ConfigError(issues, source);
  }
  return providers;
}
