import {
  createOpenAICompatibleProvider,
  type OpenAICompatibleProviderOptions,
  type OpenAICompatibleQuirks,
} from '@switchyard/provider-utils';
import type { ProviderV1 } from '@switchyard/spec';
import { isPresetName, type PresetName, presetNames, presets } from './presets.js';
import { type Environment, readEnvironment } from './read-environment.js';

export interface OpenAICompatibleOptions {
  /** A known host: its id, base URL, key variable, models and quirks become the defaults. */
  preset?: PresetName;
  /** Provider id used in model names; defaults to the preset's id, or `openai-compatible`. */
  id?: string;
  /** Base URL up to and including the version segment; required without a preset. */
  baseURL?: string;
  /** Defaults to the preset's key variable (`GROQ_API_KEY`, ...) read from `env`. */
  apiKey?: string;
  /** Extra headers sent on every call (e.g. OpenRouter's `HTTP-Referer`, `X-Title`). */
  headers?: Readonly<Record<string, string>>;
  /** Models listed in `GET /v1/models`; defaults to the preset's. */
  models?: readonly string[];
  /** Merged over the preset's quirks, key by key (`renameParams`, `dropParams`, `streamUsage`). */
  quirks?: OpenAICompatibleQuirks;
  http?: OpenAICompatibleProviderOptions['http'];
  /** Query parameters added to every call (e.g. Azure's `api-version`). */
  query?: OpenAICompatibleProviderOptions['query'];
  /** Where the preset's `*_API_KEY` and `*_BASE_URL` variables are read. */
  env?: Environment;
}

function validateBaseURL(baseURL: string, source: string): void {
  let url: URL;
  try {
    url = new URL(baseURL);
  } catch {
    throw new TypeError(`createOpenAICompatible: ${source} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`createOpenAICompatible: ${source} must be an http or https URL.`);
  }
}

/**
 * A provider for a host that speaks OpenAI's Chat Completions API, either a known one (`preset`) or any
 * other (`baseURL`). Explicit options win over the preset; the preset's environment variables come next.
 *
 * @throws Error at construction when a preset needs a key and neither `apiKey` nor its variable gives one,
 *   when `baseURL` is missing without a preset, or when an option is malformed.
 */
export function createOpenAICompatible({
  preset,
  id,
  baseURL,
  apiKey,
  headers = {},
  models,
  quirks = {},
  http = {},
  query,
  env = process.env,
}: OpenAICompatibleOptions = {}): ProviderV1 {
  if (preset !== undefined && !isPresetName(preset)) {
    throw new TypeError(`createOpenAICompatible: unknown preset "${String(preset)}"; known presets: ${presetNames.join(', ')}.`);
  }
  const defaults = preset === undefined ? undefined : presets[preset];
  const providerId = id ?? defaults?.id ?? 'openai-compatible';
  if (typeof providerId !== 'string' || providerId.length === 0) {
    throw new TypeError('createOpenAICompatible: `id` must be a non-empty string.');
  }

  const environmentBaseURL = readEnvironment(env, defaults?.baseURLEnv);
  const resolvedBaseURL = baseURL ?? environmentBaseURL ?? defaults?.baseURL;
  if (resolvedBaseURL === undefined) {
    throw new TypeError('createOpenAICompatible: `baseURL` is required when no `preset` is given.');
  }
  const baseURLSource =
    baseURL !== undefined ? '`baseURL`' : environmentBaseURL !== undefined ? String(defaults?.baseURLEnv) : 'the preset base URL';
  validateBaseURL(resolvedBaseURL, baseURLSource);

  const resolvedApiKey = apiKey ?? readEnvironment(env, defaults?.apiKeyEnv);
  if (defaults?.requiresApiKey && !resolvedApiKey) {
    throw new Error(
      `createOpenAICompatible: the "${preset}" preset needs an API key: pass \`apiKey\` or set ${defaults.apiKeyEnv}.`,
    );
  }

  return createOpenAICompatibleProvider({
    id: providerId,
    baseURL: resolvedBaseURL,
    apiKey: resolvedApiKey || undefined,
    headers,
    models: models ?? defaults?.models ?? [],
    quirks: { ...defaults?.quirks, ...quirks },
    http,
    ...(query ? { query } : {}),
  });
}
