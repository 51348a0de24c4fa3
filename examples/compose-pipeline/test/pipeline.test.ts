import { createGateway, createJsonLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { type RunningServer, startServer } from '@switchyard/server';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type AttemptCounter,
  askWithoutHttp,
  clampTemperature,
  createPipelineGateway,
  exampleKeys,
  stampHeader,
} from '../src/pipeline.js';

type LogEntry = Record<string, unknown> & { msg: string; requestId?: string };

const upstreamKey = 'sk-test-pipeline-0123456789';
const logEntries: LogEntry[] = [];
let upstream: FakeOpenAI;
let server: RunningServer;
let client: OpenAI;
let attemptCounter: AttemptCounter;
let gateway: ReturnType<typeof createPipelineGateway>['gateway'];

/** What the pipeline logged for one request: each middleware phase, then the onFinish usage line. */
function traceOf(requestId: string | null): string[] {
  return logEntries
    .filter((entry) => entry.requestId === requestId && (entry.msg === 'middleware' || entry.msg === 'usage'))
    .map((entry) => (entry.msg === 'usage' ? 'usage' : `${entry.name}:${entry.phase}`));
}

function usageOf(requestId: string | null): LogEntry | undefined {
  return logEntries.find((entry) => entry.requestId === requestId && entry.msg === 'usage');
}

const expectedTrace = [
  'stamp-header:before',
  'clamp-temperature:before',
  'clamp-temperature:after',
  'stamp-header:after',
  'usage',
];

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
  ({ gateway, attemptCounter } = createPipelineGateway({
    providers: [createMockProvider(), createOpenAIProvider({ apiKey: upstreamKey, baseURL: upstream.url })],
    logger: createJsonLogger({ level: 'debug', write: (line) => logEntries.push(JSON.parse(line)) }),
  }));
  server = await startServer({ gateway, port: 0 });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: exampleKeys.app, maxRetries: 0 });
});
afterAll(async () => {
  await server?.close(); // also closes the gateway
  await upstream?.close();
});
beforeEach(() => {
  upstream.reset();
  logEntries.length = 0;
});

describe('the composed pipeline over HTTP, with the openai SDK', () => {
  it('runs the middleware in order, stamps the header and clamps temperature, without streaming', async () => {
    const before = attemptCounter.snapshot();
    const { data, response } = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', temperature: 1.7, messages: [{ role: 'user', content: 'three word prompt' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: three word prompt');
    expect(response.headers.get('x-pipeline')).toBe('compose-pipeline');
    expect(upstream.lastRequest()?.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 1 });

    const requestId = response.headers.get('x-request-id');
    expect(traceOf(requestId)).toEqual(expectedTrace);
    expect(usageOf(requestId)).toMatchObject({
      status: 200,
      stream: false,
      provider: 'openai',
      promptTokens: 3,
      completionTokens: 4,
    });
    expect(logEntries).toContainEqual(expect.objectContaining({ msg: 'temperature clamped', requestId, from: 1.7, to: 1 }));
    expect(attemptCounter.snapshot().attempts).toBe(before.attempts + 1);
  });

  it('runs the middleware in order, stamps the header and clamps temperature, when streaming', async () => {
    const before = attemptCounter.snapshot();
    const { data: stream, response } = await client.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        temperature: 1.2,
        messages: [{ role: 'user', content: 'stream this' }],
        stream: true,
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream this');
    expect(response.headers.get('x-pipeline')).toBe('compose-pipeline');
    expect(upstream.lastRequest()?.body).toMatchObject({ stream: true, temperature: 1 });

    const requestId = response.headers.get('x-request-id');
    // The usage line is written when the stream ends, once the upstream's usage chunk has been seen.
    await vi.waitFor(() => expect(usageOf(requestId)).toBeDefined());
    expect(traceOf(requestId)).toEqual(expectedTrace);
    expect(usageOf(requestId)).toMatchObject({ status: 200, stream: true, aborted: false, promptTokens: 2, completionTokens: 3 });
    expect(attemptCounter.snapshot().attempts).toBe(before.attempts + 1);
  });

  it('leaves a temperature of at most 1, or none, untouched', async () => {
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      temperature: 0.4,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(upstream.lastRequest()?.body).toMatchObject({ temperature: 0.4 });
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      temperature: 1,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(upstream.lastRequest()?.body).toMatchObject({ temperature: 1 });
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    expect(upstream.lastRequest()?.body).not.toHaveProperty('temperature');
    expect(logEntries.filter((entry) => entry.msg === 'temperature clamped')).toEqual([]);
  });
});

describe('the attempt-counting interceptor', () => {
  it('counts each upstream attempt per target, failed ones included', async () => {
    const before = attemptCounter.snapshot();
    await client.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }] });
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    upstream.script({ kind: 'error', status: 500, message: 'The upstream broke.' });
    const error = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    // Errors are answered with the stamped header too.
    expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get('x-pipeline')).toBe('compose-pipeline');

    const after = attemptCounter.snapshot();
    expect(after.attempts - before.attempts).toBe(3);
    expect(after.failures - before.failures).toBe(1);
    expect((after.byTarget['mock/echo'] ?? 0) - (before.byTarget['mock/echo'] ?? 0)).toBe(1);
    expect((after.byTarget['openai/gpt-4o-mini'] ?? 0) - (before.byTarget['openai/gpt-4o-mini'] ?? 0)).toBe(2);
  });

  it('does not count a request that never reached dispatch', async () => {
    const before = attemptCounter.snapshot();
    await expect(
      client.chat.completions.create({ model: 'nowhere/model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    expect(attemptCounter.snapshot()).toEqual(before);
  });
});

describe('programmatic use without HTTP', () => {
  it('answers through gateway.fetch with the same pipeline', async () => {
    const before = attemptCounter.snapshot();
    const answer = await askWithoutHttp(gateway, { model: 'openai/gpt-4o-mini', content: 'no server here', temperature: 2 });
    expect(answer).toEqual({ status: 200, pipelineHeader: 'compose-pipeline', reply: 'echo: no server here' });
    expect(upstream.lastRequest()?.body).toMatchObject({ temperature: 1 });

    const mock = await askWithoutHttp(gateway, { model: 'mock/echo', content: 'offline' });
    expect(mock).toEqual({ status: 200, pipelineHeader: 'compose-pipeline', reply: 'echo: offline' });
    expect(attemptCounter.snapshot().attempts).toBe(before.attempts + 2);
    expect(logEntries.filter((entry) => entry.msg === 'usage')).toHaveLength(2);
  });
});

describe('composition rules', () => {
  it('refuses clamp-temperature before stamp-header, as its dependsOn says', () => {
    expect(() => createGateway({ providers: [createMockProvider()], middleware: [clampTemperature, stampHeader] })).toThrow(
      /"clamp-temperature" depends on "stamp-header"/,
    );
  });
});
