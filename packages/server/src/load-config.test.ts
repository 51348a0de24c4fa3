// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config files, where ${NAME} is an environment reference.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { createProviders } from './create-providers.js';
import { loadConfigFile, parseConfig } from './load-config.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-load-config-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function writeConfig(name: string, text: string): Promise<string> {
  const file = join(directory, name);
  await writeFile(file, text);
  return file;
}

/** The ConfigError a promise rejects with (fails the test when it resolves or rejects with anything else). */
async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfigFile', () => {
  it('loads a YAML file and fills in the server defaults', async () => {
    const file = await writeConfig(
      'switchyard.yaml',
      [
        'providers:',
        '  mock: {}',
        'models:',
        '  fast:',
        '    targets:',
        '      - model: mock/echo',
        '        params: { temperature: 0 }',
      ].join('\n'),
    );
    const config = await loadConfigFile(file, {});
    expect(config).toEqual({
      server: { host: '127.0.0.1', port: 8787, logLevel: 'info' },
      providers: { mock: {} },
      models: { fast: { targets: [{ model: 'mock/echo', params: { temperature: 0 } }] } },
      routing: {},
      plugins: [],
    });
  });

  it('loads a JSON file', async () => {
    const file = await writeConfig(
      'switchyard.json',
      JSON.stringify({
        server: { port: 9000, logLevel: 'warn', maxBodyBytes: 1024 },
        providers: { openai: { apiKey: 'sk-json' } },
      }),
    );
    const config = await loadConfigFile(file, {});
    expect(config.server).toEqual({ host: '127.0.0.1', port: 9000, logLevel: 'warn', maxBodyBytes: 1024 });
    expect(config.providers).toEqual({ openai: { apiKey: 'sk-json' } });
    expect(config.models).toEqual({});
  });

  it('treats an empty YAML file as the embedded defaults', async () => {
    const file = await writeConfig('empty.yaml', '');
    const config = await loadConfigFile(file, {});
    expect(config).toEqual({ server: { host: '127.0.0.1', port: 8787, logLevel: 'info' }, models: {}, routing: {}, plugins: [] });
  });

  it('interpolates ${VAR} and ${VAR:-default} in every string, inside longer strings too', async () => {
    const file = await writeConfig(
      'switchyard.yaml',
      [
        'server:',
        '  host: ${HOST_ADDRESS:-0.0.0.0}',
        'providers:',
        '  openai:',
        '    apiKey: ${OPENAI_KEY}',
        '  lab:',
        '    baseURL: http://${LAB_HOST}:${LAB_PORT:-8080}/v1',
        '    headers:',
        '      X-Team: team-${TEAM:-default}',
      ].join('\n'),
    );
    const config = await loadConfigFile(file, { OPENAI_KEY: 'sk-from-env', LAB_HOST: 'gpu-box', TEAM: 'search' });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.providers?.openai?.apiKey).toBe('sk-from-env');
    expect(config.providers?.lab?.baseURL).toBe('http://gpu-box:8080/v1');
    expect(config.providers?.lab?.headers).toEqual({ 'X-Team': 'team-search' });
  });

  it('uses the default when the variable is set but empty', async () => {
    const file = await writeConfig('switchyard.yaml', 'server:\n  host: ${HOST_ADDRESS:-0.0.0.0}\n');
    const config = await loadConfigFile(file, { HOST_ADDRESS: '' });
    expect(config.server.host).toBe('0.0.0.0');
  });

  it('reports an unset variable with the path that used it, and only once', async () => {
    const file = await writeConfig('switchyard.yaml', 'providers:\n  openai:\n    apiKey: ${X}\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toEqual([{ path: 'providers.openai.apiKey', message: 'environment variable X is not set' }]);
    expect(error.message).toBe(`Invalid configuration in ${file}:\n  providers.openai.apiKey: environment variable X is not set`);
  });

  it('reports an unknown key with its own path', async () => {
    const file = await writeConfig('switchyard.yaml', 'server:\n  prot: 8080\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toEqual([{ path: 'server.prot', message: 'unknown key' }]);
  });

  it('reports an unknown key in a provider entry and at the top level', async () => {
    const file = await writeConfig('switchyard.yaml', 'provider:\n  openai: {}\nproviders:\n  openai:\n    api_key: sk-x\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'provider', message: 'unknown key' },
        { path: 'providers.openai.api_key', message: 'unknown key' },
      ]),
    );
    expect(error.issues).toHaveLength(2);
  });

  it('reports a value of the wrong type with its path', async () => {
    const file = await writeConfig('switchyard.yaml', 'server:\n  port: "abc"\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('server.port');
    expect(error.issues[0]?.message).toMatch(/expected number, received string/);
  });

  it('reports a path inside an array with its index', async () => {
    const file = await writeConfig('switchyard.yaml', 'models:\n  fast:\n    targets:\n      - model: ""\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues.map((issue) => issue.path)).toEqual(['models.fast.targets[0].model']);
  });

  it('names the line of a YAML syntax error', async () => {
    const file = await writeConfig('broken.yaml', 'server:\n  port: 8787\nproviders: [\n  openai\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.path).toBe('');
    expect(error.issues[0]?.message).toMatch(/^YAML syntax error at line \d+, column \d+: \S/);
    expect(error.message).toContain(`Invalid configuration in ${file}:\n  (root): YAML syntax error at line`);
  });

  it('names the line of a duplicated key', async () => {
    const file = await writeConfig('broken.yaml', 'server:\n  port: 8787\n  port: 9000\n');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues[0]?.message).toBe('YAML syntax error at line 3, column 3: Map keys must be unique');
  });

  it('reports a JSON syntax error', async () => {
    const file = await writeConfig('broken.json', '{ "server": { "port": 8787, } }');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues[0]?.message).toMatch(/^JSON syntax error: /);
  });

  it('reports a missing file', async () => {
    const file = join(directory, 'nowhere.yaml');
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues).toEqual([{ path: '', message: 'file not found' }]);
    expect(error.message).toBe(`Invalid configuration in ${file}:\n  (root): file not found`);
  });

  it('lists several problems together in one ConfigError', async () => {
    const file = await writeConfig(
      'switchyard.yaml',
      [
        'server:',
        '  port: "abc"',
        '  logLevel: loud',
        'providers:',
        '  openai:',
        '    apiKey: ${MISSING_KEY}',
        '    baseURL: not a url',
        'extra: true',
      ].join('\n'),
    );
    const error = await configErrorOf(loadConfigFile(file, {}));
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(
      ['extra', 'providers.openai.apiKey', 'providers.openai.baseURL', 'server.logLevel', 'server.port'].sort(),
    );
    expect(error.issues).toContainEqual({
      path: 'providers.openai.apiKey',
      message: 'environment variable MISSING_KEY is not set',
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe(`Invalid configuration in ${file}:`);
    expect(lines).toHaveLength(6);
  });
});

describe('parseConfig', () => {
  it('validates an in-memory document without naming a file', () => {
    expect(() => parseConfig({ server: { port: -1 } }, {})).toThrow(/^Invalid configuration:\n {2}server\.port: /);
  });

  it('reads process.env when no environment is given', () => {
    const name = 'SWITCHYARD_LOAD_CONFIG_TEST_HOST';
    process.env[name] = '10.1.2.3';
    try {
      expect(parseConfig({ server: { host: `\${${name}}` } }).server.host).toBe('10.1.2.3');
    } finally {
      delete process.env[name];
    }
  });
});

describe('the example config in examples/', () => {
  const exampleFile = fileURLToPath(new URL('../examples/switchyard.example.yaml', import.meta.url));

  it('loads, and its providers and aliases can be built, with the variables it needs', async () => {
    const env = { OPENAI_API_KEY: 'sk-example', GROQ_API_KEY: 'gsk-example' };
    const config = await loadConfigFile(exampleFile, env);
    expect(config.server.port).toBe(8787);
    expect(Object.keys(config.providers ?? {})).toEqual(['openai', 'groq', 'lab', 'mock']);
    expect(config.providers?.lab?.baseURL).toBe('http://127.0.0.1:8080/v1');
    expect(Object.keys(config.models)).toEqual(['fast', 'smart', 'local', 'test']);
    const providers = createProviders(config, env, exampleFile);
    try {
      expect(providers.map((provider) => provider.id)).toEqual(['openai', 'groq', 'lab', 'mock']);
    } finally {
      await Promise.all(providers.map((provider) => provider.close?.()));
    }
  });

  it('is the config file shown in README.md', async () => {
    const readme = await readFile(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const example = await readFile(exampleFile, 'utf8');
    expect(readme).toContain(`\`\`\`yaml\n${example}\`\`\``);
  });

  it('names the variables it needs when they are missing', async () => {
    const error = await configErrorOf(loadConfigFile(exampleFile, {}));
    expect(error.issues).toEqual([
      { path: 'providers.openai.apiKey', message: 'environment variable OPENAI_API_KEY is not set' },
      { path: 'providers.groq.apiKey', message: 'environment variable GROQ_API_KEY is not set' },
    ]);
  });
});

describe('numbers that come from the environment', () => {
  it('accepts `port: ${PORT:-8787}` and `maxBodyBytes: ${LIMIT}` (interpolation yields text)', () => {
    const config = parseConfig({ server: { port: '${PORT:-8787}', maxBodyBytes: '${LIMIT}' } }, { LIMIT: '1048576' });
    expect(config.server.port).toBe(8787);
    expect(config.server.maxBodyBytes).toBe(1_048_576);
    expect(() => parseConfig({ server: { port: '${PORT}' } }, { PORT: 'eighty' })).toThrow(/server\.port/);
  });
});
