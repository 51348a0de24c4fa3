import type { OpenAICompatibleQuirks } from '@switchyard/provider-utils';

/** How to reach one OpenAI-compatible host, as data. */
export interface Preset {
  /** The default provider id (`groq` in `groq/llama-3.3-70b-versatile`). */
  readonly id: string;
  /** Base URL up to and including the version segment. */
  readonly baseURL: string;
  /** The environment variable holding the API key; `undefined` when the host takes none. */
  readonly apiKeyEnv: string | undefined;
  /** The environment variable that overrides `baseURL`. */
  readonly baseURLEnv: string;
  /** Whether the host refuses calls without a key (then a missing key is an error at construction). */
  readonly requiresApiKey: boolean;
  /** A few of the host's models, listed in `GET /v1/models`; any other model id is still served. */
  readonly models: readonly string[];
  readonly quirks: OpenAICompatibleQuirks;
}

export type PresetName = 'deepseek' | 'groq' | 'mistral' | 'together' | 'openrouter' | 'ollama' | 'vllm';

export const presets: Readonly<Record<PresetName, Preset>> = Object.freeze({
  deepseek: {
    id: 'deepseek',
    // https://api-docs.deepseek.com/ : base_url https://api.deepseek.com, "/v1" also accepted for OpenAI compatibility.
    baseURL: 'https://api.deepseek.com/v1',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    baseURLEnv: 'DEEPSEEK_BASE_URL',
    requiresApiKey: true,
    models: ['deepseek-v4-flash', 'deepseek-v4-pro'],
    quirks: {
      // https://api-docs.deepseek.com/api/create-chat-completion documents only max_tokens; max_completion_tokens is silently ignored.
      renameParams: { max_completion_tokens: 'max_tokens' },
    },
  },
  groq: {
    id: 'groq',
    // https://console.groq.com/docs/openai : base_url https://api.groq.com/openai/v1.
    baseURL: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    baseURLEnv: 'GROQ_BASE_URL',
    requiresApiKey: true,
    models: ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-120b', 'openai/gpt-oss-20b'],
    quirks: {
      // https://console.groq.com/docs/openai "Currently Unsupported OpenAI Features": these fields answer HTTP 400.
      dropParams: ['logprobs', 'logit_bias', 'top_logprobs'],
    },
  },
  mistral: {
    id: 'mistral',
    // https://docs.mistral.ai/api/ : server https://api.mistral.ai/v1.
    baseURL: 'https://api.mistral.ai/v1',
    apiKeyEnv: 'MISTRAL_API_KEY',
    baseURLEnv: 'MISTRAL_BASE_URL',
    requiresApiKey: true,
    models: ['mistral-large-latest', 'mistral-medium-latest', 'mistral-small-latest', 'codestral-latest', 'mistral-embed'],
    quirks: {
      renameParams: {
        // https://docs.mistral.ai/api/ (chat completion request): the seed field is `random_seed`.
        seed: 'random_seed',
        // https://docs.mistral.ai/api/ has only `max_tokens`; max_completion_tokens answers 422 extra_forbidden.
        max_completion_tokens: 'max_tokens',
      },
      // Mistral answers 422 "extra_forbidden" to stream_options (avante.nvim#2347); it sends usage in the last chunk anyway.
      dropParams: ['stream_options'],
      streamUsage: false,
    },
  },
  together: {
    id: 'together',
    // https://docs.together.ai/docs/inference/openai-compatibility : base_url https://api.together.ai/v1 (api.together.xyz is the older host).
    baseURL: 'https://api.together.ai/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    baseURLEnv: 'TOGETHER_BASE_URL',
    requiresApiKey: true,
    models: ['openai/gpt-oss-20b', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'deepseek-ai/DeepSeek-V3'],
    quirks: {},
  },
  openrouter: {
    id: 'openrouter',
    // https://openrouter.ai/docs/quickstart : baseURL https://openrouter.ai/api/v1.
    baseURL: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    baseURLEnv: 'OPENROUTER_BASE_URL',
    requiresApiKey: true,
    models: ['openai/gpt-5', 'anthropic/claude-sonnet-4.5', 'google/gemini-2.5-pro', 'meta-llama/llama-3.3-70b-instruct'],
    quirks: {},
  },
  ollama: {
    id: 'ollama',
    // https://docs.ollama.com/api/openai-compatibility : local server http://localhost:11434/v1, the key is ignored.
    baseURL: 'http://127.0.0.1:11434/v1',
    apiKeyEnv: undefined,
    baseURLEnv: 'OLLAMA_BASE_URL',
    requiresApiKey: false,
    models: [],
    quirks: {
      // https://docs.ollama.com/api/openai-compatibility "Supported request fields" lists max_tokens, not max_completion_tokens.
      renameParams: { max_completion_tokens: 'max_tokens' },
    },
  },
  vllm: {
    id: 'vllm',
    // https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html : `vllm serve` listens on :8000, key only with --api-key.
    baseURL: 'http://127.0.0.1:8000/v1',
    apiKeyEnv: 'VLLM_API_KEY',
    baseURLEnv: 'VLLM_BASE_URL',
    requiresApiKey: false,
    models: [],
    quirks: {},
  },
});

export const presetNames: readonly PresetName[] = Object.freeze(Object.keys(presets) as PresetName[]);

export function isPresetName(value: unknown): value is PresetName {
  return typeof value === 'string' && Object.hasOwn(presets, value);
}
