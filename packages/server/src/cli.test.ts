// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are config files, where ${NAME} is an environment reference.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/** The built CLI: these tests run the real `switchyard` binary in child processes. */
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
const upstreamKey = 'sk-x';
const waitLimitMs = 10_000;

type Env = Record<string, string | undefined>;

interface Child {
  process: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

interface ListeningLine {
  level: string;
  msg: string;
  url: string;
  providers: string;
}

let upstream: FakeOpenAI;
let directory: string;
let children: Child[] = [];

beforeAll(async () => {
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: build first (pnpm exec turbo run build), or run the root \`pnpm test\`, which builds.`);
  }
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
});
afterAll(async () => {
  await upstream?.close();
});
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'switchyard-cli-'));
});
afterEach(async () => {
  for (const child of children) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  }
  await Promise.all(children.map((child) => withTimeout(child.exited, waitLimitMs, 'a child to die')));
  children = [];
  upstream.reset();
  await rm(directory, { recursive: true, force: true });
});

/** A clean environment: no provider key leaks in from the developer's shell. */
function cleanEnv(extra: Env = {}): Env {
  return { PATH: process.env.PATH, ...extra };
}

function withTimeout<T>(promise: Promise<T>, milliseconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${milliseconds} ms waiting for ${what}`)), milliseconds);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function startCli(args: readonly string[], env: Env): Child {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const started: Child = { process: child, stdout: () => stdout, stderr: () => stderr, exited };
  children.push(started);
  return started;
}

/** Runs a one-shot command to its end. */
async function runCli(
  args: readonly string[],
  env: Env = cleanEnv(),
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(args, env);
  const code = await withTimeout(child.exited, waitLimitMs, `switchyard ${args.join(' ')} to exit`);
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

/** Waits for the JSON log line announcing the server; fails early if the process exits instead. */
function waitUntilListening(child: Child): Promise<ListeningLine> {
  const listening = new Promise<ListeningLine>((resolve, reject) => {
    const check = () => {
      for (const line of child.stdout().split('\n')) {
        if (!line.includes('switchyard listening on')) continue;
        child.process.stdout.off('data', check);
        resolve(JSON.parse(line) as ListeningLine);
        return;
      }
    };
    child.process.stdout.on('data', check);
    check();
    child.exited.then((code) => reject(new Error(`switchyard exited with ${code} before listening:\n${child.stderr()}`)));
  });
  return withTimeout(listening, waitLimitMs, 'switchyard to listen');
}

async function serve(args: readonly string[], env: Env): Promise<{ child: Child; line: ListeningLine }> {
  const child = startCli(args, env);
  const line = await waitUntilListening(child);
  return { child, line };
}

async function chat(url: string, model: string, content = 'ping'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    signal: AbortSignal.timeout(waitLimitMs),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function replyText(body: Record<string, unknown>): unknown {
  const choices = body.choices as Array<{ message: { content: unknown } }> | undefined;
  return choices?.[0]?.message.content;
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function writeConfig(name: string, text: string): Promise<string> {
  const file = join(directory, name);
  await writeFile(file, text);
  return file;
}

function aliasConfig(): string {
  return [
    'providers:',
    '  openai:',
    '    apiKey: ${UPSTREAM_KEY}',
    `    baseURL: ${upstream.url}`,
    'models:',
    '  fast:',
    '    targets:',
    '      - model: openai/gpt-4o-mini',
    '        params: { temperature: 0 }',
  ].join('\n');
}

describe('switchyard serve', () => {
  it('logs one JSON line naming its URL and providers, then serves mock/echo', async () => {
    const { child, line } = await serve(['--port', '0'], cleanEnv());
    expect(line.level).toBe('info');
    expect(line.msg).toMatch(/^switchyard listening on http:\/\/127\.0\.0\.1:\d+ \(providers: mock\)$/);
    expect(line.msg).toContain(line.url);
    expect(line.providers).toBe('mock');
    expect(child.stdout().trim().split('\n')).toHaveLength(1);

    const { status, body } = await chat(line.url, 'mock/echo', 'hello there');
    expect(status).toBe(200);
    expect(replyText(body)).toBe('echo: hello there');
  });

  it('is the default command', async () => {
    const { line } = await serve(['serve', '--port', '0'], cleanEnv());
    expect(line.providers).toBe('mock');
  });

  it('turns on openai from OPENAI_API_KEY and OPENAI_BASE_URL, and calls it with that key', async () => {
    const { line } = await serve(['--port', '0'], cleanEnv({ OPENAI_API_KEY: upstreamKey, OPENAI_BASE_URL: upstream.url }));
    expect(line.msg).toMatch(/\(providers: mock, openai\)$/);

    const { status, body } = await chat(line.url, 'openai/gpt-4o-mini', 'through the gateway');
    expect(status).toBe(200);
    expect(replyText(body)).toBe('echo: through the gateway');
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini' });
  });

  it('serves the aliases of a YAML file given with --config', async () => {
    const file = await writeConfig('switchyard.yaml', aliasConfig());
    const { line } = await serve(['--config', file, '--port', '0'], cleanEnv({ UPSTREAM_KEY: upstreamKey }));
    expect(line.providers).toBe('openai');

    const { status, body } = await chat(line.url, 'fast', 'alias');
    expect(status).toBe(200);
    expect(replyText(body)).toBe('echo: alias');
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0 });
    expect(upstream.lastRequest()?.headers.authorization).toBe(`Bearer ${upstreamKey}`);
  });

  it('reads the file named by SWITCHYARD_CONFIG', async () => {
    const file = await writeConfig('switchyard.yaml', aliasConfig());
    const { line } = await serve(['--port', '0'], cleanEnv({ SWITCHYARD_CONFIG: file, UPSTREAM_KEY: upstreamKey }));
    expect(line.providers).toBe('openai');
    expect((await chat(line.url, 'fast')).status).toBe(200);
  });

  it('listens on PORT', async () => {
    const port = await freePort();
    const { line } = await serve([], cleanEnv({ PORT: String(port) }));
    expect(line.url).toBe(`http://127.0.0.1:${port}`);
    expect((await chat(line.url, 'mock/echo')).status).toBe(200);
  });

  it('takes its flags after a forwarded `--` (as in `pnpm start -- --port 9000`)', async () => {
    const port = await freePort();
    const { line } = await serve(['--', '--port', String(port)], cleanEnv({}));
    expect(line.url).toBe(`http://127.0.0.1:${port}`);
  });

  it('prefers --port to PORT, and PORT to the file', async () => {
    const [flagPort, environmentPort, filePort] = [await freePort(), await freePort(), await freePort()];
    const file = await writeConfig('switchyard.yaml', `server:\n  port: ${filePort}\n`);
    const flag = await serve(['--config', file, '--port', String(flagPort)], cleanEnv({ PORT: String(environmentPort) }));
    expect(flag.line.url).toBe(`http://127.0.0.1:${flagPort}`);
    const environment = await serve(['--config', file], cleanEnv({ PORT: String(environmentPort) }));
    expect(environment.line.url).toBe(`http://127.0.0.1:${environmentPort}`);
  });

  it('treats an empty PORT as unset, using the file port', async () => {
    const filePort = await freePort();
    const file = await writeConfig('switchyard.yaml', `server:\n  port: ${filePort}\n`);
    const { line } = await serve(['--config', file], cleanEnv({ PORT: '' }));
    expect(line.url).toBe(`http://127.0.0.1:${filePort}`);
  });

  it('stops with exit code 0 on SIGTERM, even with a keep-alive client connected', async () => {
    const { child, line } = await serve(['--port', '0'], cleanEnv());
    expect((await chat(line.url, 'mock/echo')).status).toBe(200);
    child.process.kill('SIGTERM');
    const code = await withTimeout(child.exited, 5_000, 'switchyard to stop after SIGTERM');
    expect(code).toBe(0);
    expect(child.stderr()).toContain('SIGTERM received, shutting down');
  });

  it('exits 1 with the path message when the config is invalid', async () => {
    const file = await writeConfig('bad.yaml', 'models:\n  fast:\n    targets:\n      - model: opnai/gpt-4o-mini\n');
    const { code, stdout, stderr } = await runCli(['--config', file, '--port', '0']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Invalid configuration in ${file}:`);
    expect(stderr).toContain('models.fast.targets[0].model: unknown provider "opnai" (on: mock)');
  });

  it('exits 1 on an invalid port', async () => {
    const { code, stderr } = await runCli(['--port', 'abc']);
    expect(code).toBe(1);
    expect(stderr).toBe('switchyard: invalid port "abc"\n');
  });

  it('exits 1, naming the address, when the port is taken', async () => {
    const { line } = await serve(['--port', '0'], cleanEnv());
    const port = new URL(line.url).port;
    const { code, stderr } = await runCli(['--port', port]);
    expect(code).toBe(1);
    expect(stderr).toContain(`EADDRINUSE`);
    expect(stderr).toContain(`127.0.0.1:${port}`);
  });
});

describe('switchyard config check', () => {
  it('exits 0 and lists the providers and models of a good file', async () => {
    const file = await writeConfig(
      'good.yaml',
      [
        'providers:',
        '  openai:',
        '    apiKey: ${OPENAI_API_KEY}',
        '  mock: {}',
        'models:',
        '  fast:',
        '    targets:',
        '      - model: openai/gpt-4o-mini',
        '  test:',
        '    targets:',
        '      - model: mock/echo',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runCli(['config', 'check', file], cleanEnv({ OPENAI_API_KEY: 'sk-check' }));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`${file} is valid.\n  providers: openai, mock\n  models: fast, test\n`);
  });

  it('lists the env-detected providers when the file has no providers section', async () => {
    const file = await writeConfig('good.yaml', 'server:\n  port: 9000\n');
    const { code, stdout } = await runCli(['config', 'check', file], cleanEnv({ GROQ_API_KEY: 'gsk-check' }));
    expect(code).toBe(0);
    expect(stdout).toBe(`${file} is valid.\n  providers: mock, groq\n  models: (none)\n`);
  });

  it('exits 1 and prints every problem with its path', async () => {
    const file = await writeConfig(
      'bad.yaml',
      ['server:', '  port: "abc"', 'providers:', '  openai:', '    apiKey: ${OPENAI_API_KEY}'].join('\n'),
    );
    const { code, stdout, stderr } = await runCli(['config', 'check', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`Invalid configuration in ${file}:\n`);
    expect(stderr).toContain('  providers.openai.apiKey: environment variable OPENAI_API_KEY is not set\n');
    expect(stderr).toMatch(/ {2}server\.port: .*expected number/);
  });

  it('exits 1 with the alias path message', async () => {
    const file = await writeConfig('bad.yaml', 'models:\n  fast:\n    targets:\n      - model: opnai/gpt-4o-mini\n');
    const { code, stderr } = await runCli(['config', 'check', file]);
    expect(code).toBe(1);
    expect(stderr).toContain('models.fast.targets[0].model: unknown provider "opnai"');
  });

  it('exits 1 for a missing file', async () => {
    const file = join(directory, 'nowhere.yaml');
    const { code, stderr } = await runCli(['config', 'check', file]);
    expect(code).toBe(1);
    expect(stderr).toBe(`Invalid configuration in ${file}:\n  (root): file not found\n`);
  });

  it('exits 2 and says a file is needed when none is given', async () => {
    const { code, stderr } = await runCli(['config', 'check']);
    expect(code).toBe(2);
    expect(stderr).toBe('switchyard config check needs a file: switchyard config check <file>\n');
  });
});

describe('help, version and mistakes', () => {
  it('prints the usage and exits 0 on --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain('Usage: switchyard <command> [options]');
      expect(stdout).toContain('config check <file>');
      expect(stdout).toContain('--port <port>');
    }
  });

  it('prints the package version on --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const { code, stdout } = await runCli([flag]);
      expect(code).toBe(0);
      expect(stdout).toBe(`${packageVersion}\n`);
    }
  });

  it('exits 2 with the usage on an unknown command', async () => {
    const { code, stdout, stderr } = await runCli(['bogus']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Unknown command: bogus');
    expect(stderr).toContain('Usage: switchyard <command> [options]');
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const { code, stderr } = await runCli(['--prot', '8080']);
    expect(code).toBe(2);
    expect(stderr).toContain("'--prot'");
    expect(stderr).toContain('Usage: switchyard');
  });
});
