import { createOpenAICompatibleProvider, type OpenAICompatibleProviderOptions } from '@switchyard/provider-utils';
import type { ProviderV1 } from '@switchyard/spec';

export const openAIDefaultBaseURL = 'https://api.openai.com/v1';

/** A short list of current chat and embedding models, listed in `GET /v1/models` (any other id is still served). */
export const openAIDefaultModels: readonly string[] = Object.freeze([
  'gpt-5.1',
  'gpt-5',
  'gpt-5-mini',
  'gpt-5-nano',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4o',
  'gpt-4o-mini',
  'o4-mini',
  'text-embedding-3-small',
  'text-embedding-3-large',
]);

export interface OpenAIProviderOptions {
  /** Defaults to `OPENAI_API_KEY`. */
  apiKey?: string;
  /** Defaults to `OPENAI_BASE_URL`, then `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Sent as `OpenAI-Organization`. */
  organization?: string;
  /** Sent as `OpenAI-Project`. */
  project?: string;
  /** The provider id used in model names (`openai` in `openai/gpt-4o`). */
  id?: string;
  models?: readonly string[];
  http?: OpenAICompatibleProviderOptions['http'];
}

/**
 * The OpenAI provider: Chat Completions and Embeddings, request bodies passed on untouched apart from
 * `model`, streams always asking for usage.
 *
 * @throws Error at construction when there is no API key or the base URL is not an http(s) URL.
 */
export function createOpenAIProvider({
  apiKey = process.env.OPENAI_API_KEY,
  baseURL = process.env.OPENAI_BASE_URL || openAIDefaultBaseURL,
  organization,
  project,
  id = 'openai',
  models = openAIDefaultModels,
  http = {},
}: OpenAIProviderOptions = {}): ProviderV1 {
  if (!apiKey) {
    throw new Error('createOpenAIProvider: no API key: pass `apiKey` or set OPENAI_API_KEY.');
  }
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new TypeError('createOpenAIProvider: `baseURL` (or OPENAI_BASE_URL) is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError('createOpenAIProvider: `baseURL` (or OPENAI_BASE_URL) must be an http or https URL.');
  }
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError('createOpenAIProvider: `id` must be a non-empty string.');
  }
  const headers: Record<string, string> = {};
  if (organization) headers['OpenAI-Organization'] = organization;
  if (project) headers['OpenAI-Project'] = project;
  return createOpenAICompatibleProvider({ id, baseURL, apiKey, headers, models, http });
}
