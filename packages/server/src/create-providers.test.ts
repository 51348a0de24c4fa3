import type { ProviderV1 } from '@switchyard/spec';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildFromConfig } from './build-from-config.js';
import { ConfigError } from './config-error.js';
import { providersFromEnv } from './create-providers.js';
import { parseConfig } from './load-config.js';

let upstream: FakeOpenAI;
/** Every provider a test created, closed after it. */
let created: ProviderV1[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI();
});
afterEach(async () => {
  await Promise.all(created.map((provider) => provider.close?.()));
  created = [];
  upstream.reset();
});
afterAll(async () => {
  await upstream.close();
});

function build(document: unknown, env: Readonly<Record<string, string | undefined>>): ProviderV1[] {
  const { providers } = buildFromConfig(parseConfig(document, env), env);
  created.push(...providers);
  return providers;
}

function ids(providers: readonly ProviderV1[]): string[] {
  return providers.map((provider) => provider.id);
}

function providerWithId(providers: readonly ProviderV1[], id: string): ProviderV1 {
  const provider = providers.find((candidate) => candidate.id === id);
  if (!provider) throw new Error(`no provider "${id}" in ${ids(providers).join(', ')}`);
  return provider;
}

/** One non-streaming chat call, as the gateway makes it. */
async function ping(provider: ProviderV1, model: string): Promise<void> {
  await provider.chat({
    model,
    request: { model: `${provider.id}/${model}`, messages: [{ role: 'user', content: 'ping' }] },
    signal: AbortSignal.timeout(5_000),
    requestId: 'create-providers-test',
  });
}

/** The ConfigError `action` throws (fails the test when it throws anything else or nothing). */
function configErrorOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

describe('without a providers section (the environment decides)', () => {
  it('turns on only the mock when no key variable is set', () => {
    expect(ids(build({}, {}))).toEqual(['mock']);
  });

  it('adds openai when OPENAI_API_KEY is set, and calls OPENAI_BASE_URL with that key', async () => {
    const providers = build({}, { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: upstream.url });
    expect(ids(providers)).toEqual(['mock', 'openai']);
    await ping(providerWithId(providers, 'openai'), 'gpt-4o-mini');
    expect(upstream.lastRequest()?.headers.authorization).toBe('Bearer sk-env');
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('treats an empty OPENAI_API_KEY as unset', () => {
    expect(ids(build({}, { OPENAI_API_KEY: '' }))).toEqual(['mock']);
  });

  it('adds the presets whose key variable is set', () => {
    expect(ids(build({}, { GROQ_API_KEY: 'gsk-env' }))).toEqual(['mock', 'groq']);
    expect(ids(build({}, { OPENAI_API_KEY: 'sk-env', GROQ_API_KEY: 'gsk-env', MISTRAL_API_KEY: 'mk' }))).toEqual([
      'mock',
      'openai',
      'groq',
      'mistral',
    ]);
  });

  it('adds the keyless local presets when their base URL variable is set', () => {
    expect(ids(build({}, { OLLAMA_BASE_URL: 'http://gpu-box:11434/v1' }))).toEqual(['mock', 'ollama']);
  });

  it('is what providersFromEnv returns', () => {
    const providers = providersFromEnv({ GROQ_API_KEY: 'gsk-env' });
    created.push(...providers);
    expect(ids(providers)).toEqual(['mock', 'groq']);
  });

  it('lets aliases target the env-detected providers', () => {
    const document = { models: { fast: { targets: [{ model: 'groq/llama-3.1-8b-instant' }] } } };
    expect(ids(build(document, { GROQ_API_KEY: 'gsk-env' }))).toEqual(['mock', 'groq']);
    const error = configErrorOf(() => build(document, {}));
    expect(error.issues).toEqual([{ path: 'models.fast.targets[0].model', message: 'unknown provider "groq" (on: mock)' }]);
  });
});

describe('with a providers section (exactly the listed providers)', () => {
  it('builds openai, a preset entry, a custom openai-compatible host and a mock, and nothing else', () => {
    const providers = build(
      {
        providers: {
          openai: { apiKey: 'sk-file' },
          groq: { apiKey: 'gsk-file' },
          lab: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8080/v1', models: ['qwen'] },
          mock: {},
        },
      },
      { MISTRAL_API_KEY: 'not used: mistral is not listed' },
    );
    expect(ids(providers)).toEqual(['openai', 'groq', 'lab', 'mock']);
    expect(providerWithId(providers, 'lab').models).toEqual(['qwen']);
    expect(providerWithId(providers, 'groq').models).toContain('llama-3.3-70b-versatile');
  });

  it('turns on no provider at all for an empty section, not even the mock', () => {
    expect(build({ providers: {} }, { OPENAI_API_KEY: 'sk-env' })).toEqual([]);
  });

  it('calls a custom openai-compatible host at its baseURL with its key and headers', async () => {
    const providers = build(
      {
        providers: {
          lab: { type: 'openai-compatible', baseURL: upstream.url, apiKey: 'lab-key', headers: { 'X-Team': 'search' } },
        },
      },
      {},
    );
    await ping(providerWithId(providers, 'lab'), 'qwen2.5-7b-instruct');
    const request = upstream.lastRequest();
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer lab-key');
    expect(request?.headers['x-team']).toBe('search');
    expect(request?.body).toMatchObject({ model: 'qwen2.5-7b-instruct' });
  });

  it('gives a preset entry its key and base URL from the env passed in, not from process.env', async () => {
    const providers = build({ providers: { groq: {} } }, { GROQ_API_KEY: 'gsk-env', GROQ_BASE_URL: upstream.url });
    await ping(providerWithId(providers, 'groq'), 'llama-3.1-8b-instant');
    expect(upstream.lastRequest()?.headers.authorization).toBe('Bearer gsk-env');
  });

  it('uses a preset under another name', async () => {
    const providers = build({ providers: { 'fast-groq': { preset: 'groq', apiKey: 'gsk-file', baseURL: upstream.url } } }, {});
    expect(ids(providers)).toEqual(['fast-groq']);
    await ping(providerWithId(providers, 'fast-groq'), 'llama-3.1-8b-instant');
    expect(upstream.lastRequest()?.headers.authorization).toBe('Bearer gsk-file');
  });

  it('gives the openai entry its key from the file, or from OPENAI_API_KEY and OPENAI_BASE_URL in the env passed in', async () => {
    const fromFile = build({ providers: { openai: { apiKey: 'sk-file', baseURL: upstream.url } } }, { OPENAI_API_KEY: 'sk-env' });
    await ping(providerWithId(fromFile, 'openai'), 'gpt-4o-mini');
    expect(upstream.lastRequest()?.headers.authorization).toBe('Bearer sk-file');

    const fromEnv = build({ providers: { openai: {} } }, { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: upstream.url });
    await ping(providerWithId(fromEnv, 'openai'), 'gpt-4o-mini');
    expect(upstream.lastRequest()?.headers.authorization).toBe('Bearer sk-env');
  });

  it('refuses an openai entry without a key anywhere, even when process.env has one', () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-process-env';
    try {
      const error = configErrorOf(() => build({ providers: { openai: {} } }, {}));
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.path).toBe('providers.openai');
      expect(error.issues[0]?.message).toMatch(/no API key.*OPENAI_API_KEY/);
    } finally {
      if (previous === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previous;
    }
  });

  it('refuses a preset entry without its key, naming the variable', () => {
    const error = configErrorOf(() => build({ providers: { groq: {} } }, {}));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('providers.groq');
    expect(error.issues[0]?.message).toContain('GROQ_API_KEY');
  });

  it('serves a mock entry under another id', () => {
    expect(ids(build({ providers: { offline: { type: 'mock' } } }, {}))).toEqual(['offline']);
  });
});

describe('problems, each reported with its path', () => {
  it('refuses an alias whose provider is not on, with the exact message', () => {
    const document = {
      providers: { openai: { apiKey: 'sk-file' } },
      models: { fast: { targets: [{ model: 'opnai/gpt-4o-mini' }] } },
    };
    const error = configErrorOf(() => build(document, {}));
    expect(error.issues).toEqual([{ path: 'models.fast.targets[0].model', message: 'unknown provider "opnai" (on: openai)' }]);
    expect(error.message).toContain('models.fast.targets[0].model: unknown provider "opnai"');
  });

  it('refuses a target without a provider prefix', () => {
    const error = configErrorOf(() => build({ models: { fast: { targets: [{ model: 'gpt-4o-mini' }] } } }, {}));
    expect(error.issues).toEqual([
      { path: 'models.fast.targets[0].model', message: 'expected "provider/model", got "gpt-4o-mini"' },
    ]);
  });

  it('refuses a target that starts with a slash', () => {
    const error = configErrorOf(() => build({ models: { fast: { targets: [{ model: '/echo' }] } } }, {}));
    expect(error.issues[0]?.message).toBe('expected "provider/model", got "/echo"');
  });

  it('refuses an openai-compatible entry with neither baseURL nor preset', () => {
    const error = configErrorOf(() => build({ providers: { lab: { type: 'openai-compatible', apiKey: 'k' } } }, {}));
    expect(error.issues).toEqual([
      { path: 'providers.lab', message: 'an openai-compatible provider needs "baseURL" or a "preset"' },
    ]);
  });

  it('refuses an entry whose name is not a preset and that has no baseURL', () => {
    const error = configErrorOf(() => build({ providers: { grok: {} } }, {}));
    expect(error.issues).toEqual([
      { path: 'providers.grok', message: 'an openai-compatible provider needs "baseURL" or a "preset"' },
    ]);
  });

  it('refuses an unknown preset name, listing the known ones', () => {
    const error = configErrorOf(() => build({ providers: { fast: { preset: 'grok' } } }, {}));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('providers.fast');
    expect(error.issues[0]?.message).toMatch(/^unknown preset "grok" \(known: deepseek, groq, .*vllm\)$/);
  });

  it('reports every problem at once, naming the file, and builds nothing', () => {
    const config = parseConfig(
      {
        providers: { lab: { type: 'openai-compatible' }, mock: {} },
        models: {
          fast: { targets: [{ model: 'opnai/gpt-4o-mini' }, { model: 'mock/echo' }] },
          bare: { targets: [{ model: 'echo' }] },
          local: { targets: [{ model: 'lab/qwen' }] },
        },
      },
      {},
    );
    let error: unknown;
    try {
      created.push(...buildFromConfig(config, {}, 'switchyard.yaml').providers);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { issues, message } = error as ConfigError;
    expect(issues.map((issue) => issue.path)).toEqual([
      'providers.lab',
      'models.fast.targets[0].model',
      'models.bare.targets[0].model',
      'models.local.targets[0].model',
    ]);
    expect(message.split('\n')[0]).toBe('Invalid configuration in switchyard.yaml:');
  });
});
