#!/usr/bin/env node
// A fast, deterministic fake OpenAI upstream for the benchmark (node:http only, no dependencies).
//
//   POST /v1/chat/completions              -> fixed ~400-byte chat.completion with usage (content-length set)
//   POST /v1/chat/completions stream:true  -> 24 SSE frames, each its own write:
//        role chunk + 20 content chunks + finish chunk + usage chunk (choices: []) + `data: [DONE]`
//   POST /v1/messages (Anthropic)          -> a message, or with stream:true 25 `event:` frames
//        (message_start, content_block_start, 20 text deltas, content_block_stop, message_delta, message_stop)
//
// Knobs (CLI flag, else env, else default):
//   --port <n>            UPSTREAM_PORT            0 (any free port)
//   --host <h>            UPSTREAM_HOST            127.0.0.1
//   --ttft-ms <n>         UPSTREAM_TTFT_MS         0   delay before the status line / first byte (JSON and SSE)
//   --chunk-delay-ms <n>  UPSTREAM_CHUNK_DELAY_MS  0   delay between SSE frames
//   --chunks <n>          UPSTREAM_CHUNKS          20  content chunks per stream
//   --usage <mode>        UPSTREAM_USAGE           always | requested (OpenAI behaviour: only with
//                                                  stream_options.include_usage:true)
//   --paced                                        shorthand for --ttft-ms 20 --chunk-delay-ms 10
//
// When run directly it prints one JSON line `{"ready":true,"port":N,...}` on stdout once listening.
// It can also be imported: `const up = await startUpstream({ ... }); ... await up.close();`
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const MODEL = 'gpt-4o-mini-2024-07-18';
const ID = 'chatcmpl-bench00000000000000000000000000';
const CREATED = 1_700_000_000;
const WORDS = ['Switchyard', ' routes', ' requests', ' to', ' many', ' providers', ' through', ' one', ' small', ' gateway'];

/** The fixed non-streaming body, padded to ~400 bytes. */
function jsonBody() {
  const make = (content) =>
    JSON.stringify({
      id: ID,
      object: 'chat.completion',
      created: CREATED,
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 24, total_tokens: 36 },
      system_fingerprint: 'fp_bench',
    });
  let content = 'A fixed benchmark answer from the fake upstream.';
  while (Buffer.byteLength(make(content)) < 400) content += '.';
  return Buffer.from(make(content));
}

function chunkFrame(delta, finishReason) {
  const chunk = {
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    system_fingerprint: 'fp_bench',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** Pre-rendered SSE frames: [role, ...content, finish], the usage frame and [DONE], as Buffers. */
function sseFrames(chunks) {
  const head = [Buffer.from(chunkFrame({ role: 'assistant', content: '', refusal: null }, null))];
  for (let i = 0; i < chunks; i++) head.push(Buffer.from(chunkFrame({ content: WORDS[i % WORDS.length] }, null)));
  head.push(Buffer.from(chunkFrame({}, 'stop')));
  const usage = Buffer.from(
    `data: ${JSON.stringify({
      id: ID,
      object: 'chat.completion.chunk',
      created: CREATED,
      model: MODEL,
      system_fingerprint: 'fp_bench',
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: chunks, total_tokens: 12 + chunks },
    })}\n\n`,
  );
  return { head, usage, done: Buffer.from('data: [DONE]\n\n') };
}

/** Anthropic Messages frames for `POST /v1/messages` with stream:true: one write per event, `event:` lines included. */
function anthropicFrames(chunks) {
  const frame = (type, data) => Buffer.from(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const list = [
    frame('message_start', {
      message: {
        id: 'msg_bench0000000000000000',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    }),
    frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 0; i < chunks; i++) {
    list.push(frame('content_block_delta', { index: 0, delta: { type: 'text_delta', text: WORDS[i % WORDS.length] } }));
  }
  list.push(
    frame('content_block_stop', { index: 0 }),
    frame('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: chunks } }),
    frame('message_stop', {}),
  );
  return list;
}

/** The Anthropic non-streaming message. */
function anthropicJson() {
  return Buffer.from(
    JSON.stringify({
      id: 'msg_bench0000000000000000',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5-20250929',
      content: [{ type: 'text', text: 'A fixed benchmark answer from the fake upstream.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 24, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    }),
  );
}

const NOT_FOUND = Buffer.from('{"error":{"message":"not found","type":"invalid_request_error","code":"not_found"}}');
const STREAM_RE = /"stream"\s*:\s*true/;
const INCLUDE_USAGE_RE = /"include_usage"\s*:\s*true/;

/**
 * Starts the fake upstream.
 * @param {{port?: number, host?: string, ttftMs?: number, chunkDelayMs?: number, chunks?: number, usage?: 'always'|'requested'}} [options]
 */
export async function startUpstream(options = {}) {
  const { port = 0, host = '127.0.0.1', ttftMs = 0, chunkDelayMs = 0, chunks = 20, usage = 'always' } = options;
  const json = jsonBody();
  const jsonLength = String(json.length);
  const frames = sseFrames(chunks);

  const sendJson = (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': jsonLength });
    res.end(json);
  };

  const anthropicList = anthropicFrames(chunks);
  const anthropicBody = anthropicJson();

  const sendStream = (res, withUsage, anthropic = false) => {
    const list = anthropic
      ? anthropicList
      : withUsage
        ? [...frames.head, frames.usage, frames.done]
        : [...frames.head, frames.done];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (chunkDelayMs <= 0) {
      for (let i = 0; i < list.length - 1; i++) res.write(list[i]); // each frame its own write
      res.end(list[list.length - 1]);
      return;
    }
    let i = 0;
    let timer;
    const next = () => {
      if (res.destroyed) return;
      if (i === list.length - 1) return void res.end(list[i]);
      res.write(list[i++]);
      timer = setTimeout(next, chunkDelayMs);
    };
    res.on('close', () => clearTimeout(timer));
    next();
  };

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const anthropic = req.url.endsWith('/v1/messages');
    if (req.method !== 'POST' || !(anthropic || req.url.endsWith('/chat/completions'))) {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length });
      return void res.end(NOT_FOUND);
    }
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => {
      const text = parts.length === 1 ? parts[0].toString('latin1') : Buffer.concat(parts).toString('latin1');
      const stream = STREAM_RE.test(text);
      const respond = stream
        ? () => sendStream(res, usage === 'always' || INCLUDE_USAGE_RE.test(text), anthropic)
        : anthropic
          ? () => {
              res.writeHead(200, { 'content-type': 'application/json', 'content-length': anthropicBody.length });
              res.end(anthropicBody);
            }
          : () => sendJson(res);
      if (ttftMs > 0) {
        const timer = setTimeout(respond, ttftMs);
        res.on('close', () => clearTimeout(timer));
      } else respond();
    });
  });
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  return {
    port: actualPort,
    url: `http://${host}:${actualPort}`,
    server,
    /** Byte sizes, for reports. */
    sizes: { json: json.length, frames: frames.head.length + 2 },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Reads a numeric knob: CLI value, else env, else the default. */
function num(cli, envName, fallback) {
  const raw = cli ?? process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`invalid value for ${envName}: ${raw}`);
  return value;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'ttft-ms': { type: 'string' },
      'chunk-delay-ms': { type: 'string' },
      chunks: { type: 'string' },
      usage: { type: 'string' },
      paced: { type: 'boolean' },
    },
  });
  const paced = values.paced === true;
  const options = {
    port: num(values.port, 'UPSTREAM_PORT', 0),
    host: values.host ?? process.env.UPSTREAM_HOST ?? '127.0.0.1',
    ttftMs: num(values['ttft-ms'], 'UPSTREAM_TTFT_MS', paced ? 20 : 0),
    chunkDelayMs: num(values['chunk-delay-ms'], 'UPSTREAM_CHUNK_DELAY_MS', paced ? 10 : 0),
    chunks: num(values.chunks, 'UPSTREAM_CHUNKS', 20),
    usage: values.usage ?? process.env.UPSTREAM_USAGE ?? 'always',
  };
  if (options.usage !== 'always' && options.usage !== 'requested') throw new Error(`--usage must be always or requested`);
  const upstream = await startUpstream(options);
  process.stdout.write(
    `${JSON.stringify({ ready: true, ...options, port: upstream.port, pid: process.pid, sizes: upstream.sizes })}\n`,
  );
  const stop = () => upstream.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
