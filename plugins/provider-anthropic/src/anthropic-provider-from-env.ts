import type { ProviderV1 } from '@switchyard/spec';
import { anthropicDefaultBaseURL, createAnthropicProvider } from './anthropic-provider.js';

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The Anthropic provider configured from the environment (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, as
 * the official SDKs read them), or `undefined` when `ANTHROPIC_API_KEY` is unset or empty.
 */
export function anthropicProviderFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ProviderV1 | undefined {
  const apiKey = read(env, 'ANTHROPIC_API_KEY');
  if (apiKey === undefined) return undefined;
  return createAnthropicProvider({ apiKey, baseURL: read(env, 'ANTHROPIC_BASE_URL') ?? anthropicDefaultBaseURL });
}
