import {
  createGateway,
  createMemoryStore,
  type Gateway,
  type LogFields,
  type Logger,
  type Middleware,
  type Principal,
  type Store,
  silentLogger,
} from '@switchyard/core';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { type CacheOptions, cache } from '../src/index.js';

/** Stands in for the auth middleware: the caller named by the `x-test-key` header. */
export function principalFrom(principals: Record<string, Principal>): Middleware {
  return {
    name: 'auth',
    async handle(context, next) {
      const key = context.http.headers['x-test-key'];
      if (key) context.state.principal = principals[key];
      await next();
    },
  };
}

export const principals: Record<string, Principal> = {
  alice: { keyId: 'key-alice', team: 'red' },
  bob: { keyId: 'key-bob', team: 'blue' },
  carol: { keyId: 'key-carol', team: 'red' },
  quiet: { keyId: 'key-quiet', metadata: { cache: 'off' } },
};

export interface Harness {
  gateway: Gateway;
  upstream: FakeOpenAI;
  store: Store;
  advance(ms: number): void;
  chatCalls(): number;
}

export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  debug(message: string, fields?: LogFields) {
    this.lines.push({ level: 'debug', message, ...(fields ? { fields } : {}) });
  }
  info(message: string, fields?: LogFields) {
    this.lines.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: LogFields) {
    this.lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: LogFields) {
    this.lines.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
}

const cleanups: Array<() => Promise<void>> = [];

export async function closeAll(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
}

/** A gateway over a fake OpenAI upstream with the cache (and a stand-in auth) in front. */
export async function startHarness(
  options: Partial<CacheOptions> & { upstream?: FakeOpenAI; extraMiddleware?: Middleware[] } = {},
): Promise<Harness> {
  let now = Date.parse('2026-11-23T12:00:00Z');
  const clock = () => now;
  const upstream = options.upstream ?? (await startFakeOpenAI());
  const store = options.store ?? createMemoryStore({ now: clock });
  const provider = createOpenAIProvider({ baseURL: upstream.url, apiKey: 'sk-test' });
  const { upstream: _upstream, extraMiddleware = [], ...cacheOptions } = options;
  const gateway = createGateway({
    providers: [provider],
    middleware: [principalFrom(principals), ...extraMiddleware, cache({ models: ['*'], now: clock, ...cacheOptions, store })],
    logger: silentLogger,
  });
  cleanups.push(async () => {
    await gateway.close();
    if (!options.upstream) await upstream.close();
  });
  return {
    gateway,
    upstream,
    store,
    advance(ms) {
      now += ms;
    },
    chatCalls: () => upstream.requests.filter((request) => request.path.startsWith('/v1/chat/completions')).length,
  };
}

export interface ChatOptions {
  key?: string;
  headers?: Record<string, string>;
  path?: string;
}

export function chat(
  gateway: Gateway,
  body: Record<string, unknown>,
  { key, headers = {}, path = '/v1/chat/completions' }: ChatOptions = {},
) {
  return gateway.fetch(
    new Request(`http://gw.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-test-key': key } : {}), ...headers },
      body: JSON.stringify(body),
    }),
  );
}

export const question = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content }],
  ...extra,
});

/** Cache writes happen after the response (`waitUntil`): give them a moment. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
