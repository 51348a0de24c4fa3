/**
 * End-to-end harness for the router's fault suite: fake OpenAI upstreams, a gateway with the router
 * served by the real Node server, and helpers that read what the client got (raw SSE included) and
 * what each upstream saw.
 */
import { createServer } from 'node:net';
import { createGateway, silentLogger } from '@switchyard/core';
import { createOpenAICompatibleProvider, type HttpClientOptions } from '@switchyard/provider-utils';
import { type RunningServer, startServer } from '@switchyard/server';
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { createRouter, type RouterOptions } from '../src/index.js';

export const messages = [{ role: 'user' as const, content: 'hello there' }];

export interface GatewayUnderTest {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  client: OpenAI;
  server: RunningServer;
}

export interface GatewayOptions extends Omit<RouterOptions, 'providers'> {
  /** Provider id → base URL of its upstream (a fake's `url`, or a closed port). */
  upstreams: Record<string, string | { baseURL: string; apiKey: string }>;
  http?: Omit<HttpClientOptions, 'baseURL' | 'providerId'>;
}

/** Fakes and gateways started by one test, closed together (gateways first, so pools close before fakes). */
export interface Scope {
  fake(options?: Parameters<typeof startFakeOpenAI>[0]): Promise<FakeOpenAI>;
  gateway(options: GatewayOptions): Promise<GatewayUnderTest>;
  closeAll(): Promise<void>;
}

export function createScope(): Scope {
  const fakes: FakeOpenAI[] = [];
  const servers: RunningServer[] = [];
  return {
    async fake(options) {
      const fake = await startFakeOpenAI(options);
      fakes.push(fake);
      return fake;
    },
    async gateway({ upstreams, http = {}, ...routerOptions }) {
      const providers = Object.entries(upstreams).map(([id, upstream]) =>
        createOpenAICompatibleProvider({
          id,
          ...(typeof upstream === 'string' ? { baseURL: upstream } : upstream),
          http: { connectTimeoutMs: 1_000, ...http },
        }),
      );
      const router = createRouter({ ...routerOptions, providers });
      const gateway = createGateway({
        providers,
        middleware: [router.middleware],
        interceptors: [router.interceptor],
        logger: silentLogger,
      });
      const server = await startServer({ gateway, port: 0 });
      servers.push(server);
      const baseURL = `${server.url}/v1`;
      return { baseURL, server, client: new OpenAI({ baseURL, apiKey: 'sk-client', maxRetries: 0 }) };
    },
    async closeAll() {
      for (const server of servers.splice(0)) await server.close({ graceMs: 50 });
      for (const fake of fakes.splice(0)) await fake.close();
    },
  };
}

/** The upstream requests that belong to one client request (the gateway forwards its `x-request-id`). */
export function attemptsOf(upstream: FakeOpenAI, requestId: string): RecordedRequest[] {
  return upstream.requests.filter((request) => request.headers['x-request-id'] === requestId);
}

/** Milliseconds between consecutive recorded requests. */
export function gapsBetween(requests: readonly RecordedRequest[]): number[] {
  return requests.slice(1).map((request, index) => request.receivedAt - (requests[index] as RecordedRequest).receivedAt);
}

export function coefficientOfVariation(values: readonly number[]): number {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return Math.sqrt(variance) / mean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Polls until `condition` holds; resolves with the milliseconds it took, rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000, what = 'condition'): Promise<number> {
  const startedAt = performance.now();
  while (!condition()) {
    if (performance.now() - startedAt > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(2);
  }
  return performance.now() - startedAt;
}

/** A port nothing listens on (bound, then released), for connection-refused upstreams. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A small deterministic PRNG (mulberry32), for tests that check a distribution without flaking. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface ChatCall {
  model: string;
  stream?: boolean;
  requestId?: string;
  signal?: AbortSignal;
}

/** POSTs a chat completion to the gateway with `fetch`, so status, headers and raw bytes stay visible. */
export function postChat(baseURL: string, { model, stream = false, requestId, signal }: ChatCall): Promise<Response> {
  return fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(requestId ? { 'x-request-id': requestId } : {}) },
    body: JSON.stringify({ model, messages, ...(stream ? { stream: true } : {}) }),
    signal: signal ?? null,
  });
}

export interface ReceivedEvent {
  data: string;
  /** Milliseconds since `readEvents` was called. */
  at: number;
}

export interface ReceivedStream {
  events: ReceivedEvent[];
  /** The last event was `[DONE]`. */
  done: boolean;
  /** Reading failed (the connection was cut) instead of ending cleanly. */
  readError: unknown;
}

/**
 * Reads an SSE body to its end, keeping every `data:` payload with its arrival time. With
 * `pauseAfterFirstChunkMs` the reader stops reading for that long after the first chunk (a slow consumer).
 */
export async function readEvents(response: Response, { pauseAfterFirstChunkMs = 0 } = {}): Promise<ReceivedStream> {
  const startedAt = performance.now();
  const events: ReceivedEvent[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  let readError: unknown;
  const reader = response.body?.getReader();
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      if (pauseAfterFirstChunkMs > 0) {
        await sleep(pauseAfterFirstChunkMs);
        pauseAfterFirstChunkMs = 0;
      }
      buffer += decoder.decode(value, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data !== '') events.push({ data, at: performance.now() - startedAt });
        boundary = buffer.indexOf('\n\n');
      }
    }
  } catch (error) {
    readError = error;
  }
  return { events, done: events.at(-1)?.data === '[DONE]', readError };
}

/** Parses an event's JSON, or `undefined` when it is not valid JSON. */
export function parseEvent(data: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The text of the content deltas among received events. */
export function contentOf(events: readonly ReceivedEvent[]): string {
  let text = '';
  for (const event of events) {
    const choices = parseEvent(event.data)?.choices;
    if (!Array.isArray(choices)) continue;
    const delta = (choices[0] as { delta?: { content?: unknown } } | undefined)?.delta;
    if (typeof delta?.content === 'string') text += delta.content;
  }
  return text;
}

/** The `error` object of an in-band error event, if the event is one. */
export function inBandError(event: ReceivedEvent | undefined): { code?: unknown; message?: unknown } | undefined {
  if (!event) return undefined;
  const error = parseEvent(event.data)?.error;
  return typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : undefined;
}
