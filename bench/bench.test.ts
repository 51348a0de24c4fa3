// Smoke test for the benchmark harness pieces. It checks behaviour only — never timing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeChatBody } from './lib.mjs';
import { startMinimalProxy } from './minimal-proxy.mjs';
import { startUpstream } from './upstream.mjs';

const run = promisify(execFile);
const script = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

type Closable = { url: string; pid?: number; close: () => Promise<void> };
let upstream: Closable;
let proxy: Closable;

const chat = (stream: boolean) =>
  JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream });

async function post(base: string, body: string) {
  const response = await request(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

beforeAll(async () => {
  upstream = await startUpstream();
  proxy = await startMinimalProxy({ upstream: upstream.url });
});

afterAll(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe('bench upstream', () => {
  it('answers a fixed ~400-byte chat.completion with usage and content-length', async () => {
    const res = await post(upstream.url, chat(false));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    expect(Buffer.byteLength(res.text)).toBeGreaterThanOrEqual(380);
    expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(440);
    const summary = summarizeChatBody(res.text, false);
    expect(summary.object).toBe('chat.completion');
    expect(summary.usage).toMatchObject({ prompt_tokens: 12 });
  });

  it('streams 24 SSE frames: role, 20 content, finish, usage (choices: []), [DONE]', async () => {
    const res = await post(upstream.url, chat(true));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    const summary = summarizeChatBody(res.text, true);
    expect(summary).toMatchObject({ frames: 24, finishReason: 'stop', done: true, lastFrameIsDone: true, badFrames: 0 });
    expect(summary.usage).toMatchObject({ completion_tokens: 20 });
    expect(res.text).toContain('"choices":[],"usage"');
  });

  it('speaks Anthropic Messages on /v1/messages: 25 event frames when streaming, a message otherwise', async () => {
    const messagesBody = (stream: boolean) =>
      JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream });
    const streamed = await request(`${upstream.url}/v1/messages`, { method: 'POST', body: messagesBody(true) });
    const text = await streamed.body.text();
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames).toHaveLength(25);
    expect(frames[0]).toMatch(/^event: message_start\ndata: /);
    expect(frames.at(-1)).toBe('event: message_stop\ndata: {"type":"message_stop"}');
    const plain = await request(`${upstream.url}/v1/messages`, { method: 'POST', body: messagesBody(false) });
    expect(JSON.parse(await plain.body.text())).toMatchObject({ type: 'message', stop_reason: 'end_turn' });
  });

  it('answers 404 for other paths', async () => {
    const response = await request(`${upstream.url}/v1/embeddings`, { method: 'POST', body: '{}' });
    expect(response.statusCode).toBe(404);
    await response.body.text();
  });
});

describe('minimal proxy', () => {
  it('forwards a JSON request byte for byte, with status, content-type and content-length', async () => {
    const [direct, proxied] = [await post(upstream.url, chat(false)), await post(proxy.url, chat(false))];
    expect(proxied.status).toBe(200);
    expect(proxied.text).toBe(direct.text);
    expect(proxied.headers['content-type']).toBe(direct.headers['content-type']);
    expect(proxied.headers['content-length']).toBe(direct.headers['content-length']);
  });

  it('forwards an SSE stream byte for byte', async () => {
    const [direct, proxied] = [await post(upstream.url, chat(true)), await post(proxy.url, chat(true))];
    expect(proxied.status).toBe(200);
    expect(proxied.headers['content-type']).toBe('text/event-stream');
    expect(proxied.text).toBe(direct.text);
    expect(summarizeChatBody(proxied.text, true).frames).toBe(24);
  });

  it('passes upstream error statuses through', async () => {
    const response = await request(`${proxy.url}/v1/unknown`, { method: 'POST', body: '{}' });
    expect(response.statusCode).toBe(404);
    await response.body.text();
  });
});

describe('measurement scripts', () => {
  it('probe.mjs reports per-arm samples and added latency against the baseline', async () => {
    const spec = {
      targets: [
        { name: 'direct', url: upstream.url },
        { name: 'minproxy', url: proxy.url },
      ],
      body: chat(true),
      warmup: 2,
      rounds: 2,
      perRound: 3,
    };
    const { stdout } = await run(process.execPath, [script('probe.mjs'), JSON.stringify(spec)], { timeout: 15_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.targets.direct).toMatchObject({ samples: 6, errors: 0 });
    expect(out.targets.minproxy).toMatchObject({ samples: 6, errors: 0 });
    expect(typeof out.targets.minproxy.ttfb.addedP50).toBe('number');
    expect(out.targets.direct.ttfb.addedP50).toBeUndefined();
  });

  it('load.mjs runs autocannon and reads the CPU time of the watched process', async () => {
    const spec = {
      url: `${proxy.url}/v1/chat/completions`,
      body: chat(false),
      connections: 2,
      warmupSec: 0,
      durationSec: 1,
      pids: { target: process.pid },
    };
    const { stdout } = await run(process.execPath, [script('load.mjs'), JSON.stringify(spec)], { timeout: 20_000 });
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.completed).toBeGreaterThan(0);
    expect(out.non2xx).toBe(0);
    expect(out.errors).toBe(0);
    if (process.platform === 'linux') expect(out.cpu.target.cpuMicros).toBeGreaterThanOrEqual(0);
  });
});
