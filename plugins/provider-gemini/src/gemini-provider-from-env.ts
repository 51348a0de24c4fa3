import type { ProviderV1 } from '@switchyard/spec';
import { createGeminiProvider, geminiDefaultBaseURL } from './gemini-provider.js';

function read(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * The Gemini provider configured from the environment (`GEMINI_API_KEY`, else `GOOGLE_API_KEY` as
 * Google's own SDKs accept it; `GEMINI_BASE_URL`), or `undefined` when no key is set.
 */
export function geminiProviderFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ProviderV1 | undefined {
  const apiKey = read(env, 'GEMINI_API_KEY') ?? read(env, 'GOOGLE_API_KEY');
  if (apiKey === undefined) return undefined;
  return createGeminiProvider({ apiKey, baseURL: read(env, 'GEMINI_BASE_URL') ?? geminiDefaultBaseURL });
}
