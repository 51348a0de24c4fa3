import type { ProviderV1 } from '@switchyard/spec';
import { createOpenAIProvider, openAIDefaultBaseURL } from './openai-provider.js';

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The OpenAI provider configured from the environment (`OPENAI_API_KEY`, `OPENAI_BASE_URL`,
 * `OPENAI_ORG_ID`, `OPENAI_PROJECT_ID`, as the official SDKs read them), or `undefined` when
 * `OPENAI_API_KEY` is unset or empty.
 */
export function openAIProviderFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ProviderV1 | undefined {
  const apiKey = read(env, 'OPENAI_API_KEY');
  if (apiKey === undefined) return undefined;
  return createOpenAIProvider({
    apiKey,
    baseURL: read(env, 'OPENAI_BASE_URL') ?? openAIDefaultBaseURL,
    organization: read(env, 'OPENAI_ORG_ID'),
    project: read(env, 'OPENAI_PROJECT_ID'),
  });
}
