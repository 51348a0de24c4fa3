/**
 * End-to-end harness: fake OpenAI upstreams (one for chat, one acting as the moderation service), a
 * gateway with the moderation middleware built from a config section, served over real HTTP by
 * `@switchyard/node-http`, and the official `openai` SDK as the client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type GatewayState, type LogFields, type Logger, type Middleware } from '@switchyard/core';
import { createNodeHandler } from '@switchyard/node-http';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { configSchema, moderationFromConfig } from '../src/index.js';

export interface LogLine {
  level: string;
  message: string;
  fields: LogFields;
}

export interface GatewayUnderTest {
  /** `http://127.0.0.1:PORT/v1` */
  baseURL: string;
  client: OpenAI;
  chat: FakeOpenAI;
  guard: FakeOpenAI;
  logs: LogLine[];
  /** `context.state.moderation` of every finished request, by request id. */
  states: Map<string, GatewayState['moderation']>;
  close(): Promise<void>;
}

function recordingLogger(logs: LogLine[]): Logger {
  const push =
    (level: string) =>
    (message: string, fields: LogFields = {}) => {
      logs.push({ level, message, fields });
    };
  return { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}

/** Records each request's moderation state once it has finished (streams included). */
function stateProbe(states: GatewayUnderTest['states']): Middleware {
  return {
    name: 'probe',
    async handle(context, next) {
      context.onFinish(() => states.set(context.requestId, structuredClone(context.state.moderation)));
      await next();
    },
  };
}

export async function startGateway(section: unknown): Promise<GatewayUnderTest> {
  const chat = await startFakeOpenAI({ apiKey: 'sk-chat' });
  const guard = await startFakeOpenAI({ apiKey: 'sk-guard' });
  const http = { connectTimeoutMs: 1_000 };
  const providers = [
    createOpenAICompatibleProvider({ id: 'openai', baseURL: chat.url, apiKey: 'sk-chat', http }),
    createOpenAICompatibleProvider({ id: 'guard', baseURL: guard.url, apiKey: 'sk-guard', http }),
  ];
  const logs: LogLine[] = [];
  const logger = recordingLogger(logs);
  const states: GatewayUnderTest['states'] = new Map();
  const moderation = moderationFromConfig(configSchema.parse(section), { providers, logger });
  const gateway = createGateway({ providers, middleware: [stateProbe(states), moderation], logger });
  const server: Server = createServer(createNodeHandler(gateway));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseURL = `http://127.0.0.1:${port}/v1`;
  return {
    baseURL,
    client: new OpenAI({ baseURL, apiKey: 'sk-client', maxRetries: 0 }),
    chat,
    guard,
    logs,
    states,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      await chat.close();
      await guard.close();
    },
  };
}

export interface ReceivedStream {
  /** The `data:` payloads in order. */
  events: string[];
  done: boolean;
}

export async function readEvents(response: Response): Promise<ReceivedStream> {
  const text = await response.text();
  const events = text
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data.length > 0);
  return { events, done: events.at(-1) === '[DONE]' };
}

/** The concatenated `delta.content` of the received chunks. */
export function contentOf(events: readonly string[]): string {
  let text = '';
  for (const data of events) {
    if (data === '[DONE]') continue;
    const parsed = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string } }> };
    text += parsed.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}

export function postChat(baseURL: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
