#!/usr/bin/env node
// Switchyard benchmark harness (what `pnpm bench` runs). See bench/README.md.
//
// For every case it starts, as separate child processes on free loopback ports:
//   upstream  bench/upstream.mjs            (pinned to the load CPU, with the load generator)
//   minproxy  bench/minimal-proxy.mjs       (pinned to the target CPU) — the floor
//   gateway   packages/server/dist/bin.js   (pinned to the target CPU)
// then checks one response through each arm (fidelity), runs the c=1 latency probe (bench/probe.mjs,
// interleaved rounds) and the c=50 closed-loop load (bench/load.mjs, autocannon) against
// direct → minproxy → gateway, prints a table of ratios and writes bench/results/<timestamp>.json.
//
// Flags: --quick, --duration <s>, --warmup <s>, --connections <n>, --repeat <n>, --case <name[,name]>, --no-pin,
//        --wait-quiet <s>, --noisy-retries <n>, --strict
// Env:   BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_REPEAT, BENCH_PIN=0, BENCH_CPUS=<load>,<target>,
//        BENCH_WAIT_QUIET (s), BENCH_NOISY_RETRIES, BENCH_TIMEOUT (s)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { BENCH_GATEWAY_KEY, cpuMicros, procStat, procStatDelta, summarizeChatBody } from './lib.mjs';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(benchDir, '..');
const gatewayBin = path.join(repoRoot, 'packages/server/dist/bin.js');
const CHAT_PATH = '/v1/chat/completions';

// ---------------------------------------------------------------------------------------------------------
// Cases. To add one, append an entry:
//   name           unique id, used by --case and in the results file
//   description    one line for the report
//   upstream       options for bench/upstream.mjs: { ttftMs, chunkDelayMs, chunks, usage }   (default: instant)
//   gatewayConfig  ({ upstreamUrl }) => YAML text for `switchyard serve --config`
//   path           request path on every arm (default /v1/chat/completions)
//   body           request body object (the same bytes are sent to every arm)
//   stream         true for SSE: c=1 metric is time to first body byte, else total time
//   load           false to skip the c=50 closed-loop phase (e.g. paced upstreams)
//   probe          { warmup, rounds, perRound, maxRequestMs } for the c=1 probe, or false to skip it
// ---------------------------------------------------------------------------------------------------------
const openaiConfig = ({ upstreamUrl }) =>
  `server: { logLevel: warn }\nproviders:\n  openai: { apiKey: bench-key, baseURL: ${upstreamUrl}/v1 }\n`;
const messages = [{ role: 'user', content: 'Write one sentence about LLM gateways.' }];
// Every arm gets the same gateway key (direct and the minimal proxy ignore it); see bench/lib.mjs.
const BENCH_AUTHORIZATION = `Bearer ${BENCH_GATEWAY_KEY}`;

// Keys, rate limits, cost and budgets, on the in-memory store or on Redis: the governance hot path.
const governanceConfig = ({ upstreamUrl, redisUrl }) =>
  `server: { logLevel: warn }
providers:
  openai: { apiKey: bench-key, baseURL: ${upstreamUrl}/v1 }
${redisUrl ? `store: { type: redis, url: "${redisUrl}" }\n` : ''}auth:
  keys:
    - { id: bench, name: bench, team: perf, key: ${BENCH_GATEWAY_KEY}, limits: { rpm: 100000000, tpm: 1000000000 }, budgets: [{ window: day, usd: 1000000 }] }
rateLimits:
  teams: { perf: { rpm: 100000000 } }
cost: {}
`;

// Three deployments (three provider entries, as with three keys) behind one weighted alias, all pointing at
// the same upstream: what a routing decision costs compared with the single-deployment `openai-json` path.
const weightedConfig = ({ upstreamUrl }) =>
  `server: { logLevel: warn }
providers:
  key-a: { type: openai, apiKey: bench-key-a, baseURL: ${upstreamUrl}/v1 }
  key-b: { type: openai, apiKey: bench-key-b, baseURL: ${upstreamUrl}/v1 }
  key-c: { type: openai, apiKey: bench-key-c, baseURL: ${upstreamUrl}/v1 }
models:
  pool:
    strategy: weighted
    targets:
      - { model: key-a/gpt-4o-mini, weight: 3 }
      - { model: key-b/gpt-4o-mini, weight: 2 }
      - { model: key-c/gpt-4o-mini, weight: 1 }
`;

// A ~2 KB prompt with a handful of personal data for the PII case (every default detector scans it).
const piiPrompt = (() => {
  const lines = [
    'Customer ticket #48213. Please draft a polite reply.',
    'From: Ana Lima <ana.lima@example.com>, phone +44 20 7946 0958, backup +86 138 0013 8000.',
    'She paid with card 4111 1111 1111 1111 and asked for a refund to IBAN GB82 WEST 1234 5698 7654 32.',
    'Our logs show the request came from 203.0.113.42 at 09:14 UTC.',
  ];
  let text = lines.join('\n');
  const filler =
    ' The order arrived late, the packaging was damaged and the replacement was shipped to the wrong address; she would like a clear timeline.';
  while (Buffer.byteLength(text) < 2048) text += filler;
  return text.slice(0, 2048);
})();

export const CASES = [
  {
    name: 'openai-json',
    description: 'OpenAI chat, non-streaming, ~400-byte response',
    gatewayConfig: openaiConfig,
    body: { model: 'openai/gpt-4o-mini', messages },
    stream: false,
  },
  {
    name: 'openai-sse',
    description: 'OpenAI chat, stream:true, 24 SSE frames written back to back',
    gatewayConfig: openaiConfig,
    body: { model: 'openai/gpt-4o-mini', messages, stream: true },
    stream: true,
  },
  {
    name: 'router-weighted-json',
    description: 'OpenAI chat, non-streaming, through a 3-deployment weighted alias (compare with openai-json)',
    gatewayConfig: weightedConfig,
    body: { model: 'pool', messages },
    stream: false,
  },
  {
    name: 'translated-anthropic-sse',
    description: 'OpenAI dialect in, Anthropic upstream (Messages SSE, 25 event frames) out: the translated streaming path',
    gatewayConfig: ({ upstreamUrl }) =>
      `server: { logLevel: warn }\nproviders:\n  anthropic: { apiKey: bench-key, baseURL: ${upstreamUrl} }\n`,
    body: { model: 'anthropic/claude-sonnet-4-5', messages, stream: true },
    // The floor arms speak Anthropic to the same upstream; the gateway translates both ways.
    arms: Object.fromEntries(
      ['direct', 'minproxy'].map((name) => [
        name,
        {
          dialect: 'anthropic',
          path: '/v1/messages',
          body: { model: 'claude-sonnet-4-5', max_tokens: 4096, messages, stream: true },
        },
      ]),
    ),
    stream: true,
  },
  {
    name: 'governance-memory-json',
    description: 'openai-json + gateway key, rate limits (key, team), cost, budget and ledger on the in-memory store',
    gatewayConfig: governanceConfig,
    body: { model: 'openai/gpt-4o-mini', messages },
    stream: false,
  },
  {
    name: 'governance-redis-json',
    description: 'governance-memory-json with the store (limits, budgets, ledger) on a local redis-server',
    gatewayConfig: governanceConfig,
    redis: true,
    body: { model: 'openai/gpt-4o-mini', messages },
    stream: false,
  },
  {
    name: 'express-json',
    description: 'openai-json with the gateway mounted in an Express 5 app (compare with openai-json)',
    gatewayConfig: openaiConfig,
    host: 'express',
    body: { model: 'openai/gpt-4o-mini', messages },
    stream: false,
  },
  {
    name: 'fastify-json',
    description: 'openai-json with the gateway registered as a Fastify 5 plugin (compare with openai-json)',
    gatewayConfig: openaiConfig,
    host: 'fastify',
    body: { model: 'openai/gpt-4o-mini', messages },
    stream: false,
  },
  {
    name: 'pii-sse',
    description: 'stream:true with PII masking (all default detectors) on a 2 KB prompt and restoration on the reply',
    gatewayConfig: ({ upstreamUrl }) => `${openaiConfig({ upstreamUrl })}pii: {}\n`,
    body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: piiPrompt }], stream: true },
    stream: true,
  },
  {
    name: 'cache-hit-json',
    description: 'openai-json with the exact cache on: after the first request every answer is a cache hit (no upstream call)',
    gatewayConfig: ({ upstreamUrl }) => `${openaiConfig({ upstreamUrl })}cache: { models: ["*"], ttlSeconds: 3600 }\n`,
    body: { model: 'openai/gpt-4o-mini', messages },
    stream: false,
  },
  {
    name: 'openai-sse-paced',
    description: 'OpenAI chat, stream:true, paced upstream (20 ms to first byte, 10 ms per frame); c=1 only',
    upstream: { ttftMs: 20, chunkDelayMs: 10 },
    gatewayConfig: openaiConfig,
    body: { model: 'openai/gpt-4o-mini', messages, stream: true },
    stream: true,
    load: false,
    probe: { warmup: 10, rounds: 5, perRound: 10, maxRequestMs: 1000 },
  },
];

// Targets from the issue, checked against the results of the named cases.
const throughputCaveat = (c) => {
  const floor = c.summary.minproxy;
  const gateway = c.summary.gateway;
  const why = [];
  if (floor?.rigBound)
    why.push(`minproxy rig-bound (${floor.rigBound}): its req/s understates the floor and the ratio flatters the gateway`);
  else if (floor?.unsaturated) why.push('minproxy not CPU-saturated: the ratio flatters the gateway');
  if (gateway?.unsaturated || gateway?.rigBound) why.push('gateway not CPU-saturated');
  if (gateway?.cpuVsFloor != null)
    why.push(
      `CPU x floor = ${gateway.cpuVsFloor.toFixed(2)}, i.e. ~${(1 / gateway.cpuVsFloor).toFixed(2)}x the floor's per-core capacity`,
    );
  return why.join('; ');
};
const TARGETS = [
  {
    label: 'gateway JSON throughput >= 0.6 x minimal proxy',
    case: 'openai-json',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 0.6,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  {
    label: 'gateway SSE throughput >= 0.6 x minimal proxy',
    case: 'openai-sse',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 0.6,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  {
    label: 'weighted 3-deployment alias throughput >= 0.95 x single-deployment path (gateway arms)',
    case: 'router-weighted-json',
    value: (c, results) => {
      const single = results.find((r) => r.name === 'openai-json')?.summary.gateway?.rps;
      return single ? c.summary.gateway?.rps / single : null;
    },
    pass: (v) => v >= 0.95,
    format: (v) => `${v.toFixed(2)}x`,
  },
  {
    label: 'translated SSE (OpenAI in, Anthropic upstream) >= 0.5 x minimal proxy',
    case: 'translated-anthropic-sse',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 0.5,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  {
    label: 'auth + rate limits + cost on the in-memory store >= 0.6 x minimal proxy',
    case: 'governance-memory-json',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 0.6,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  {
    label: 'auth + rate limits + cost on Redis >= 0.5 x minimal proxy',
    case: 'governance-redis-json',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 0.5,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  ...['express-json', 'fastify-json'].map((name) => ({
    label: `${name.split('-')[0]} adapter adds <= 10% over the standalone server (req/s vs openai-json, gateway arms)`,
    case: name,
    value: (c, results) => {
      const standalone = results.find((r) => r.name === 'openai-json')?.summary.gateway?.rps;
      return standalone ? c.summary.gateway?.rps / standalone : null;
    },
    pass: (v) => v >= 0.9,
    format: (v) => `${v.toFixed(2)}x`,
  })),
  {
    label: 'PII masking, streamed: throughput >= 0.5 x minimal proxy',
    case: 'pii-sse',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 0.5,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  {
    label: 'PII masking, streamed: added TTFB p50 < 3 ms (c=1, gateway - direct)',
    case: 'pii-sse',
    value: (c) => c.summary.gateway?.addedMs,
    pass: (v) => v < 3,
    format: (v) => `${v >= 0 ? '+' : ''}${v.toFixed(3)} ms`,
  },
  {
    label: 'cache hit path >= 1.5 x minimal proxy',
    case: 'cache-hit-json',
    value: (c) => c.summary.gateway?.ratioToFloor,
    pass: (v) => v >= 1.5,
    format: (v) => `${v.toFixed(2)}x`,
    caveat: throughputCaveat,
  },
  {
    label: 'added SSE TTFB p50 < 2 ms (c=1, gateway - direct)',
    case: 'openai-sse',
    value: (c) => c.summary.gateway?.addedMs,
    pass: (v) => v < 2,
    format: (v) => `${v >= 0 ? '+' : ''}${v.toFixed(3)} ms`,
  },
];

const ARMS = ['direct', 'minproxy', 'gateway'];

// ---------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------
const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    quick: { type: 'boolean' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    repeat: { type: 'string' },
    'wait-quiet': { type: 'string' },
    'noisy-retries': { type: 'string' },
    case: { type: 'string', multiple: true },
    'no-pin': { type: 'boolean' },
    strict: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (flags.help) {
  process.stdout.write(
    `${readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\n')
      .slice(1)
      .filter((_line, i, all) => all.slice(0, i + 1).every((l) => l.startsWith('//')))
      .map((line) => line.replace(/^\/\/ ?/, ''))
      .join('\n')}\n`,
  );
  process.exit(0);
}

const positive = (raw, name) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`invalid ${name}: ${raw}`);
  return value;
};
const quick = flags.quick === true;
const durationSec = positive(flags.duration ?? process.env.BENCH_DURATION ?? (quick ? 3 : 10), 'duration');
const warmupSec = Number(flags.warmup ?? process.env.BENCH_WARMUP ?? (quick ? 1 : 3));
const connections = positive(flags.connections ?? process.env.BENCH_CONNECTIONS ?? 50, 'connections');
const repeat = Math.round(positive(flags.repeat ?? process.env.BENCH_REPEAT ?? 1, 'repeat'));
const nprocAtStart = os.availableParallelism(); // read before the harness pins itself
const waitQuietSec = Number(flags['wait-quiet'] ?? process.env.BENCH_WAIT_QUIET ?? 0);
// A load run during which other jobs used > NOISY_CPU of a core is repeated up to this many times.
const noisyRetries = Math.max(0, Math.round(Number(flags['noisy-retries'] ?? process.env.BENCH_NOISY_RETRIES ?? 2)));
const NOISY_CPU = 0.1;
const caseFilter = (flags.case ?? []).flatMap((value) => value.split(',')).filter(Boolean);
const cases = caseFilter.length ? CASES.filter((c) => caseFilter.includes(c.name)) : CASES;
if (caseFilter.length && cases.length !== caseFilter.length) {
  throw new Error(`unknown case in --case ${caseFilter.join(',')}; known: ${CASES.map((c) => c.name).join(', ')}`);
}

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
function allowedCpus() {
  try {
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    return list.split(',').flatMap((part) => {
      const [from, to = from] = part.split('-').map(Number);
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    });
  } catch {
    return [];
  }
}
const cpus = allowedCpus();
const requestedCpus = process.env.BENCH_CPUS?.split(',').map(Number);
const pinning = (() => {
  if (flags['no-pin'] || process.env.BENCH_PIN === '0') return { enabled: false, reason: 'disabled by --no-pin / BENCH_PIN=0' };
  if (process.platform !== 'linux') return { enabled: false, reason: 'not linux' };
  if (!hasTaskset()) return { enabled: false, reason: 'taskset not found' };
  const [loadCpu, targetCpu] = requestedCpus ?? cpus;
  if (loadCpu === undefined || targetCpu === undefined) return { enabled: false, reason: 'fewer than 2 CPUs available' };
  return {
    enabled: true,
    loadCpu,
    targetCpu,
    note: `load generator + upstream on CPU ${loadCpu}, proxy/gateway under test on CPU ${targetCpu}`,
  };
})();

const log = (message) => process.stderr.write(`[bench] ${message}\n`);

// ---------------------------------------------------------------------------------------------------------
// Child processes: every one is tracked and killed on exit, error or signal.
// ---------------------------------------------------------------------------------------------------------
const children = new Set();

function launch(name, args, { cpu, executable = process.execPath } = {}) {
  const pinned = pinning.enabled && cpu !== undefined;
  const [command, argv] = pinned ? ['taskset', ['-c', String(cpu), executable, ...args]] : [executable, args];
  const child = spawn(command, argv, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const proc = {
    name,
    child,
    pid: child.pid,
    lines: [],
    listeners: new Set(),
    stderr: '',
    exited: null,
    cpu: pinned ? cpu : null,
  };
  proc.exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      proc.exited = { code, signal };
      children.delete(proc);
      for (const listener of proc.listeners) listener(null);
      resolve(proc.exited);
    });
  });
  child.once('error', (error) => {
    proc.stderr += `\nspawn error: ${error.message}`;
  });
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    proc.lines.push(line);
    if (proc.lines.length > 200) proc.lines.shift();
    for (const listener of proc.listeners) listener(line);
  });
  child.stderr.on('data', (data) => {
    proc.stderr = (proc.stderr + data).slice(-8000);
  });
  children.add(proc);
  return proc;
}

const describeExit = (proc) =>
  `${proc.name} (pid ${proc.pid}) exited with ${JSON.stringify(proc.exited)}\n--- stdout (tail) ---\n${proc.lines.slice(-20).join('\n')}\n--- stderr (tail) ---\n${proc.stderr.slice(-3000)}`;

/** Resolves with the first stdout line matching `test`; rejects on exit or timeout. */
function waitForLine(proc, test, timeoutMs, signal) {
  return new Promise((resolve, reject) => {
    const done = (fn, value) => {
      clearTimeout(timer);
      proc.listeners.delete(listener);
      signal?.removeEventListener('abort', onAbort);
      fn(value);
    };
    const listener = (line) => {
      if (line === null) done(reject, new Error(describeExit(proc)));
      else if (test(line)) done(resolve, line);
    };
    const onAbort = () => done(reject, new Error('aborted'));
    const timer = setTimeout(() => done(reject, new Error(`${proc.name}: no ready line within ${timeoutMs} ms`)), timeoutMs);
    signal?.addEventListener('abort', onAbort);
    const seen = proc.lines.find(test);
    if (seen) return done(resolve, seen);
    if (proc.exited) return done(reject, new Error(describeExit(proc)));
    proc.listeners.add(listener);
  });
}

async function stop(proc, graceMs = 5000) {
  if (proc.exited) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  await proc.exitPromise;
  clearTimeout(timer);
}

const stopAll = () => Promise.all([...children].map((proc) => stop(proc)));

const tempDirs = new Set();
process.on('exit', () => {
  for (const proc of children) proc.child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    log(`${signal} received, stopping child processes`);
    stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/** Runs a one-shot JSON-printing child script to completion, time-bounded. */
async function runJsonChild(name, script, spec, { cpu, timeoutMs }) {
  const proc = launch(name, [path.join(benchDir, script), JSON.stringify(spec)], { cpu });
  const timer = setTimeout(() => {
    proc.stderr += `\n(killed by the harness after ${timeoutMs} ms)`;
    proc.child.kill('SIGKILL');
  }, timeoutMs);
  await proc.exitPromise;
  clearTimeout(timer);
  if (proc.exited.code !== 0) throw new Error(describeExit(proc));
  return JSON.parse(proc.lines.at(-1));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Machine-wide busy CPU (fraction of one CPU) over a 1 s sample; our own children are idle at this point. */
async function sampleBusy() {
  const before = procStat();
  await sleep(1000);
  const delta = procStatDelta(before, procStat(), 1);
  return delta ? { busy: delta.all.busy, steal: delta.all.steal } : null;
}

/** Checks that nothing else is using the CPUs; waits up to `waitQuietSec` for it to become quiet. */
async function quietCheck(label) {
  const deadline = Date.now() + waitQuietSec * 1000;
  let sample = await sampleBusy();
  while (sample && sample.busy + sample.steal > 0.15 && Date.now() < deadline) sample = await sampleBusy();
  if (sample && sample.busy + sample.steal > 0.15) {
    const loadavg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    log(
      `${label}: WARNING the machine is busy before the run (${Math.round(sample.busy * 100)}% CPU busy, ${Math.round(sample.steal * 100)}% steal, loadavg ${loadavg}); results will be noisy`,
    );
  }
  return sample;
}

// ---------------------------------------------------------------------------------------------------------
// Arms
// ---------------------------------------------------------------------------------------------------------
async function startUpstream(options = {}) {
  const args = [path.join(benchDir, 'upstream.mjs')];
  if (options.ttftMs) args.push('--ttft-ms', String(options.ttftMs));
  if (options.chunkDelayMs) args.push('--chunk-delay-ms', String(options.chunkDelayMs));
  if (options.chunks) args.push('--chunks', String(options.chunks));
  if (options.usage) args.push('--usage', options.usage);
  const proc = launch('upstream', args, { cpu: pinning.loadCpu });
  const ready = JSON.parse(await waitForLine(proc, (line) => line.includes('"ready":true'), 15_000));
  return { proc, url: `http://127.0.0.1:${ready.port}`, info: ready };
}

/** A throwaway redis-server for cases with shared state; pinned beside the load, as a separate Redis host would be. */
async function startRedis() {
  const port = await freePort();
  const proc = launch('redis', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    cpu: pinning.loadCpu,
    executable: 'redis-server',
  });
  await waitForLine(proc, (line) => line.includes('Ready to accept connections'), 15_000);
  return { proc, url: `redis://127.0.0.1:${port}` };
}

async function startMinimalProxy(upstreamUrl) {
  const proc = launch('minproxy', [path.join(benchDir, 'minimal-proxy.mjs'), '--upstream', upstreamUrl], {
    cpu: pinning.targetCpu,
  });
  const ready = JSON.parse(await waitForLine(proc, (line) => line.includes('"ready":true'), 15_000));
  return { proc, url: `http://127.0.0.1:${ready.port}` };
}

async function startGateway(caseDef, upstreamUrl, tmpDir, redisUrl) {
  const configFile = path.join(tmpDir, `${caseDef.name}.yaml`);
  writeFileSync(configFile, caseDef.gatewayConfig({ upstreamUrl, redisUrl }));
  const port = await freePort();
  const args = caseDef.host
    ? [path.join(benchDir, 'hosts.mjs'), '--host', caseDef.host, '--config', configFile, '--port', String(port)]
    : [gatewayBin, 'serve', '--config', configFile, '--port', String(port)];
  const proc = launch('gateway', args, { cpu: pinning.targetCpu });
  const url = `http://127.0.0.1:${port}`;
  // Ready when it logs `switchyard listening on ...` (only at logLevel info or lower) or answers /healthz.
  const abort = new AbortController();
  const health = (async () => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !abort.signal.aborted) {
      if (proc.exited) throw new Error(describeExit(proc));
      try {
        const response = await request(`${url}/healthz`, { headersTimeout: 1000, bodyTimeout: 1000 });
        await response.body.text();
        if (response.statusCode === 200) return 'healthz';
      } catch {}
      await sleep(100);
    }
    throw new Error(proc.exited ? describeExit(proc) : `gateway: /healthz not ready within 30 s`);
  })();
  const line = waitForLine(proc, (text) => text.includes('switchyard listening on'), 30_000, abort.signal);
  try {
    const how = await Promise.any([health, line]);
    return { proc, url, configFile, readyBy: how.startsWith('{') ? 'listening log line' : 'healthz' };
  } catch (error) {
    throw new Error(`gateway did not start: ${error.errors?.map((e) => e.message).join('\n') ?? error.message}`);
  } finally {
    abort.abort();
    health.catch(() => {});
    line.catch(() => {});
  }
}

/** Text, finish reason and framing of an Anthropic Messages body (JSON or `event:` SSE), for fidelity checks. */
function summarizeAnthropicBody(text, stream) {
  const finish = (reason) => (reason === 'end_turn' ? 'stop' : reason === 'max_tokens' ? 'length' : (reason ?? null));
  if (!stream) {
    const message = JSON.parse(text);
    const content = (message.content ?? []).map((block) => block.text ?? '').join('');
    return { dialect: 'anthropic', content, finishReason: finish(message.stop_reason), usage: message.usage ?? null };
  }
  let content = '';
  let finishReason = null;
  const frames = text.split(/\r?\n\r?\n/).filter((frame) => frame.trim() !== '');
  for (const frame of frames) {
    const data = frame.split(/\r?\n/).find((line) => line.startsWith('data: '));
    if (!data) continue;
    const event = JSON.parse(data.slice('data: '.length));
    if (event.type === 'content_block_delta' && event.delta?.type === 'text_delta') content += event.delta.text;
    if (event.type === 'message_delta') finishReason = finish(event.delta?.stop_reason);
  }
  return { dialect: 'anthropic', content, finishReason, frames: frames.length, done: true, lastFrameIsDone: true, usage: null };
}

/** What an arm is sent: the case's path and body, unless the case gives that arm its own (`arms`). */
function armRequest(caseDef, name) {
  const own = caseDef.arms?.[name];
  return { path: own?.path ?? caseDef.path ?? CHAT_PATH, bodyText: JSON.stringify(own?.body ?? caseDef.body) };
}

/** One request per arm: status, headers and a parsed summary, compared with the direct response. */
async function checkFidelity(caseDef, arms) {
  const out = {};
  for (const [name, arm] of Object.entries(arms)) {
    const { path: armPath, bodyText } = armRequest(caseDef, name);
    try {
      const response = await request(`${arm.url}${armPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: BENCH_AUTHORIZATION },
        body: bodyText,
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const text = await response.body.text();
      const entry = {
        status: response.statusCode,
        contentType: response.headers['content-type'] ?? null,
        contentLength: response.headers['content-length'] ?? null,
        transferEncoding: response.headers['transfer-encoding'] ?? null,
        bytes: Buffer.byteLength(text),
      };
      if (response.statusCode !== 200) {
        out[name] = { ...entry, ok: false, error: `HTTP ${response.statusCode}`, body: text.slice(0, 2000) };
        continue;
      }
      try {
        const summary =
          caseDef.arms?.[name]?.dialect === 'anthropic'
            ? summarizeAnthropicBody(text, caseDef.stream)
            : summarizeChatBody(text, caseDef.stream);
        out[name] = { ...entry, ok: true, summary };
      } catch (error) {
        out[name] = { ...entry, ok: false, error: `unparseable body: ${error.message}`, body: text.slice(0, 2000) };
      }
    } catch (error) {
      out[name] = { ok: false, error: `request failed: ${error.message}` };
    }
  }
  const direct = out.direct?.summary;
  for (const [name, entry] of Object.entries(out)) {
    if (name === 'direct' || !entry.ok || !direct) continue;
    const got = entry.summary;
    const issues = [];
    const notes = [];
    if (got.content !== direct.content)
      issues.push(`content differs: ${JSON.stringify(got.content)} vs ${JSON.stringify(direct.content)}`);
    if (got.finishReason !== direct.finishReason) issues.push(`finish_reason ${got.finishReason} vs ${direct.finishReason}`);
    const [from, to] = [direct.dialect ?? 'openai', got.dialect ?? 'openai'];
    if (from !== to) {
      // A translated path: the text and the finish reason must survive; framing and usage shapes differ by design.
      notes.push(`upstream ${from}, client ${to}: content and finish reason compared, framing differs by design`);
    } else if (caseDef.stream) {
      if (!got.done || !got.lastFrameIsDone) issues.push('stream does not end with data: [DONE]');
      if (got.badFrames) issues.push(`${got.badFrames} unparseable frames`);
      if (got.frames !== direct.frames) {
        const stripped =
          direct.usage && !got.usage && got.frames === direct.frames - 1 && !caseDef.body.stream_options?.include_usage;
        (stripped ? notes : issues).push(
          `${got.frames} frames vs ${direct.frames} direct${stripped ? ' (usage-only chunk stripped; the client did not ask for it)' : ''}`,
        );
      }
    } else if (JSON.stringify(got.usage) !== JSON.stringify(direct.usage)) issues.push('usage differs');
    entry.fidelity = issues.length ? 'MISMATCH' : 'ok';
    entry.issues = issues;
    entry.notes = notes;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------------------------
function gitSha() {
  // Read .git directly (no git process): HEAD -> ref file or packed-refs.
  try {
    let gitDir = path.join(repoRoot, '.git');
    if (!existsSync(path.join(gitDir, 'HEAD'))) {
      const pointer = /gitdir:\s*(.+)/.exec(readFileSync(gitDir, 'utf8'))?.[1]?.trim();
      if (!pointer) return null;
      gitDir = path.resolve(repoRoot, pointer);
    }
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return head;
    const ref = head.slice(4).trim();
    const commonDir = existsSync(path.join(gitDir, 'commondir'))
      ? path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
      : gitDir;
    for (const dir of [gitDir, commonDir]) {
      if (existsSync(path.join(dir, ref))) return readFileSync(path.join(dir, ref), 'utf8').trim();
    }
    const packed = path.join(commonDir, 'packed-refs');
    if (existsSync(packed)) {
      const line = readFileSync(packed, 'utf8')
        .split('\n')
        .find((l) => l.endsWith(` ${ref}`));
      if (line) return line.split(' ')[0];
    }
    return null;
  } catch {
    return null;
  }
}

function packageVersion(name) {
  try {
    const require = createRequire(path.join(repoRoot, 'package.json'));
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    try {
      return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return null;
    }
  }
}

function environment() {
  let cpuModel = os.cpus()[0]?.model ?? null;
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const family = /cpu family\s*:\s*(\d+)/.exec(info)?.[1];
    const model = /^model\s*:\s*(\d+)/m.exec(info)?.[1];
    if (family) cpuModel = `${cpuModel} (family ${family} model ${model})`;
  } catch {}
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpuModel,
    nproc: nprocAtStart,
    allowedCpus: cpus,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    pinning,
    gitSha: gitSha(),
    versions: {
      autocannon: packageVersion('autocannon'),
      undici: packageVersion('undici'),
      switchyardServer: JSON.parse(readFileSync(path.join(repoRoot, 'packages/server/package.json'), 'utf8')).version,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// One case
// ---------------------------------------------------------------------------------------------------------
function probeSettings(caseDef) {
  const base = { warmup: 200, rounds: 7, perRound: 50, maxRequestMs: 20, ...(caseDef.probe || {}) };
  if (quick) {
    base.rounds = Math.min(base.rounds, 3);
    base.perRound = Math.max(5, Math.round(base.perRound * 0.6));
  }
  return base;
}

async function runCase(caseDef, tmpDir) {
  const result = { name: caseDef.name, description: caseDef.description, stream: caseDef.stream, errors: [] };
  result.idleBefore = await quietCheck(caseDef.name);
  log(`case ${caseDef.name}: starting upstream, minimal proxy and gateway`);
  const upstream = await startUpstream(caseDef.upstream);
  const minproxy = await startMinimalProxy(upstream.url);
  const redis = caseDef.redis ? await startRedis() : null;
  let gateway = null;
  try {
    gateway = await startGateway(caseDef, upstream.url, tmpDir, redis?.url);
  } catch (error) {
    result.errors.push({ arm: 'gateway', phase: 'start', message: error.message });
    log(error.message);
  }
  const arms = { direct: { url: upstream.url, proc: upstream.proc }, minproxy };
  if (gateway) arms.gateway = gateway;
  result.upstream = upstream.info;
  result.processes = Object.fromEntries(
    [
      ['upstream', upstream.proc],
      ...Object.entries(arms)
        .filter(([n]) => n !== 'direct')
        .map(([n, a]) => [n, a.proc]),
    ].map(([n, p]) => [
      n,
      { pid: p.pid, cpu: p.cpu, cpusAllowed: /Cpus_allowed_list:\s*(\S+)/.exec(safeRead(`/proc/${p.pid}/status`))?.[1] ?? null },
    ]),
  );
  if (gateway) result.processes.gateway.readyBy = gateway.readyBy;

  try {
    // Fidelity: one request per arm. Arms that fail are reported and left out of the measurements.
    result.fidelity = await checkFidelity(caseDef, arms);
    for (const [name, entry] of Object.entries(result.fidelity)) {
      if (!entry.ok) {
        log(`${caseDef.name}: ${name} FAILED: ${entry.error}${entry.body !== undefined ? `\n  body: ${entry.body}` : ''}`);
        result.errors.push({ arm: name, phase: 'fidelity', message: entry.error, status: entry.status, body: entry.body });
        delete arms[name];
      } else if (entry.fidelity === 'MISMATCH') {
        log(`${caseDef.name}: ${name} fidelity MISMATCH: ${entry.issues.join('; ')}`);
      }
    }
    if (!arms.direct) throw new Error('the direct arm failed; the rig itself is broken');
    const targets = Object.entries(arms).map(([name, arm]) => {
      const { path: armPath, bodyText } = armRequest(caseDef, name);
      return { name, url: arm.url, path: armPath, body: bodyText };
    });

    // c=1 latency probe, interleaved rounds across the arms.
    if (caseDef.probe !== false) {
      const settings = probeSettings(caseDef);
      const requestsPerArm = settings.warmup + settings.rounds * settings.perRound;
      log(
        `${caseDef.name}: c=1 probe (${settings.warmup} warm-up + ${settings.rounds} rounds x ${settings.perRound} per arm, ${targets.length} arms)`,
      );
      try {
        const ours = [upstream.proc, minproxy.proc, gateway?.proc].filter(Boolean).map((proc) => proc.pid);
        for (let attempt = 0; attempt <= noisyRetries; attempt++) {
          await quietCheck(`${caseDef.name} probe`);
          const cpuBefore = ours.map((pid) => cpuMicros(pid) ?? 0);
          const statBefore = procStat();
          const t0 = Date.now();
          const probe = await runJsonChild(
            'probe',
            'probe.mjs',
            { targets, stream: caseDef.stream, ...settings },
            { cpu: pinning.loadCpu, timeoutMs: requestsPerArm * targets.length * settings.maxRequestMs + 30_000 },
          );
          const wallSec = (Date.now() - t0) / 1000;
          const machine = procStatDelta(statBefore, procStat(), wallSec);
          const oursMicros =
            ours.reduce((sum, pid, i) => sum + ((cpuMicros(pid) ?? 0) - cpuBefore[i]), 0) + (probe.ownCpuMicros ?? 0);
          probe.metric = caseDef.stream ? 'ttfb' : 'total';
          probe.machine = machine;
          probe.foreignCpu = machine ? Math.max(0, machine.all.busy - oursMicros / 1e6 / wallSec) : null;
          probe.attempt = attempt + 1;
          // Keep the least noisy attempt.
          if (!result.probe || (probe.foreignCpu ?? 0) < (result.probe.foreignCpu ?? 0)) result.probe = probe;
          if (!(probe.foreignCpu > NOISY_CPU)) break;
          log(
            `${caseDef.name}: probe was NOISY (other jobs used ${Math.round(probe.foreignCpu * 100)}% of a CPU)${attempt < noisyRetries ? '; retrying' : ''}`,
          );
        }
      } catch (error) {
        result.errors.push({ phase: 'probe', message: error.message });
        log(`${caseDef.name}: probe failed: ${error.message}`);
      }
    }

    // c=N closed-loop load, one arm after the other (direct, minproxy, gateway), `repeat` times interleaved.
    if (caseDef.load !== false) {
      result.loadRuns = {};
      for (let round = 1; round <= repeat; round++) {
        for (const name of ARMS) {
          const arm = arms[name];
          if (!arm) continue;
          log(
            `${caseDef.name}: load ${name} (c=${connections}, ${warmupSec} s warm-up + ${durationSec} s)${repeat > 1 ? ` run ${round}/${repeat}` : ''}`,
          );
          const pids = { target: arm.proc.pid, upstream: upstream.proc.pid };
          try {
            let run;
            for (let attempt = 0; attempt <= noisyRetries; attempt++) {
              await quietCheck(`${caseDef.name} load ${name}`);
              const attemptRun = await runJsonChild(
                'load',
                'load.mjs',
                {
                  url: `${arm.url}${armRequest(caseDef, name).path}`,
                  body: armRequest(caseDef, name).bodyText,
                  connections,
                  warmupSec,
                  durationSec,
                  pids,
                },
                { cpu: pinning.loadCpu, timeoutMs: (warmupSec + durationSec) * 1000 + 60_000 },
              );
              attemptRun.attempt = attempt + 1;
              if (!run || (attemptRun.foreignCpu ?? 0) < (run.foreignCpu ?? 0)) run = attemptRun;
              if (!(attemptRun.foreignCpu > NOISY_CPU)) break;
              if (attempt < noisyRetries) {
                log(
                  `${caseDef.name}: load ${name} was NOISY (other jobs ${Math.round(attemptRun.foreignCpu * 100)}% of a CPU); retrying`,
                );
              }
            }
            result.loadRuns[name] = [...(result.loadRuns[name] ?? []), run];
            if (run.non2xx || run.errors || run.timeouts) {
              log(
                `${caseDef.name}: ${name}: non2xx=${run.non2xx} errors=${run.errors} timeouts=${run.timeouts} ${JSON.stringify(run.statusCodeStats)}`,
              );
            }
          } catch (error) {
            result.errors.push({ arm: name, phase: 'load', message: error.message });
            log(`${caseDef.name}: load ${name} failed: ${error.message}`);
          }
          if (arm.proc.exited) {
            result.errors.push({ arm: name, phase: 'load', message: describeExit(arm.proc) });
            delete arms[name];
          }
          await sleep(500);
        }
      }
      // The representative run per arm is the median by req/s.
      result.load = Object.fromEntries(
        Object.entries(result.loadRuns).map(([name, runs]) => [
          name,
          [...runs].sort((a, b) => a.okRps - b.okRps)[Math.floor((runs.length - 1) / 2)],
        ]),
      );
    }
  } finally {
    await Promise.all([gateway?.proc, minproxy.proc, upstream.proc, redis?.proc].filter(Boolean).map((proc) => stop(proc)));
  }
  result.summary = summarize(caseDef, result);
  return result;
}

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Per-arm numbers used by the table and the targets. Latencies in ms. */
function summarize(caseDef, result) {
  const summary = {};
  const load = result.load ?? {};
  const floor = load.minproxy;
  const direct = load.direct;
  const metric = caseDef.stream ? 'ttfb' : 'total';
  for (const name of ARMS) {
    const l = load[name];
    const p = result.probe?.targets?.[name];
    const own = name === 'direct' ? l?.cpu?.upstream : l?.cpu?.target;
    const entry = {
      failed: result.errors.some((e) => e.arm === name) || undefined,
      rps: l?.okRps ?? null,
      ratioToFloor: l && floor ? l.okRps / floor.okRps : null,
      ratioToDirect: l && direct ? l.okRps / direct.okRps : null,
      cpuMicrosPerRequest: own?.microsPerRequest ?? null,
      cpuUtilization: own?.utilization ?? null,
      cpuVsFloor: own && floor?.cpu?.target ? own.microsPerRequest / floor.cpu.target.microsPerRequest : null,
      rssMiB: own?.rssMiB ?? null,
      latencyP50Ms: l?.latencyMs.p50 ?? null,
      latencyP99Ms: l?.latencyMs.p99 ?? null,
      non2xx: l ? l.non2xx + l.errors + l.timeouts : null,
      c1Metric: metric,
      c1P50Ms: p ? p[metric].medianOfRoundMedians / 1000 : null,
      addedMs: p?.[metric].addedP50 != null ? p[metric].addedP50 / 1000 : null,
      addedTotalMs: p?.total.addedP50 != null ? p.total.addedP50 / 1000 : null,
      probeErrors: p?.errors ?? null,
      probeForeignCpu: result.probe?.foreignCpu ?? null,
      // CPU of the core shared by the load generator and the upstream (meaningful when pinned).
      loadCoreUtilization: l ? (l.loadgenCpu?.utilization ?? 0) + (l.cpu?.upstream?.utilization ?? 0) : null,
      runs: result.loadRuns?.[name]?.length ?? 0,
      // Other jobs on the machine during the measured window (fraction of one CPU), and hypervisor steal.
      foreignCpu: l?.foreignCpu ?? null,
      steal: l?.machine ? l.machine.all.steal : null,
      rpsRange:
        result.loadRuns?.[name]?.length > 1
          ? [Math.min(...result.loadRuns[name].map((r) => r.okRps)), Math.max(...result.loadRuns[name].map((r) => r.okRps))]
          : null,
      fidelity: result.fidelity?.[name]?.fidelity ?? (result.fidelity?.[name]?.ok ? 'baseline' : null),
    };
    // Rig-bound: the arm is within 10% of the direct ceiling, or it is not CPU-saturated while the load core is.
    entry.rigBound = false;
    if (name !== 'direct' && l && direct) {
      if (l.okRps >= 0.9 * direct.okRps) entry.rigBound = '>=90% of direct';
      else if (entry.cpuUtilization < 0.9 && entry.loadCoreUtilization >= 0.85)
        entry.rigBound = 'arm CPU < 90%, load core saturated';
    }
    entry.unsaturated = name !== 'direct' && l && !entry.rigBound && entry.cpuUtilization < 0.9;
    summary[name] = entry;
  }
  return summary;
}

// ---------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------
const fmtInt = (v) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));
const fmtFixed = (v, d = 2) => (v == null ? '—' : v.toFixed(d));
const fmtAdded = (v) => (v == null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  return rows
    .map((row) => row.map((cell, i) => (i < 2 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  '))
    .join('\n');
}

function report(results, env) {
  const lines = [];
  lines.push('');
  lines.push(
    `Switchyard bench — node ${env.node}, ${env.cpuModel}, nproc ${env.nproc}, git ${env.gitSha?.slice(0, 12) ?? 'unknown'}`,
  );
  lines.push(pinning.enabled ? `pinning: ${pinning.note}` : `pinning: OFF (${pinning.reason}) — numbers are noisier`);
  lines.push(
    `load: autocannon closed loop c=${connections}, ${warmupSec} s warm-up + ${durationSec} s measured per arm${repeat > 1 ? `, ${repeat} runs (median shown)` : ''}${quick ? ' (--quick)' : ''}`,
  );
  lines.push('');
  const header = [
    'case',
    'arm',
    'req/s',
    'x floor',
    'CPU us/req',
    'x floor',
    'CPU %',
    'load core',
    'p50/p99 ms',
    'c=1 p50 ms',
    'added p50 ms',
    'notes',
  ];
  const rows = [header];
  for (const c of results) {
    const metric = c.stream ? 'TTFB' : 'total';
    for (const name of ARMS) {
      const s = c.summary[name];
      const notes = [];
      if (name === 'direct') notes.push(c.load ? 'rig ceiling; CPU = upstream' : '');
      if (s.failed) notes.push('FAILED (see errors)');
      if (s.rigBound) notes.push(`rig-bound (${s.rigBound})`);
      if (s.unsaturated) notes.push('arm not CPU-saturated');
      if (s.foreignCpu > NOISY_CPU || s.steal > 0.05) {
        notes.push(`NOISY: other jobs ${Math.round(s.foreignCpu * 100)}% CPU, steal ${Math.round(s.steal * 100)}%`);
      }
      if (s.rpsRange) notes.push(`${s.runs} runs, req/s ${fmtInt(s.rpsRange[0])}-${fmtInt(s.rpsRange[1])}`);
      if (s.non2xx) notes.push(`ERRORS: ${s.non2xx} non-2xx/errors`);
      if (s.probeErrors) notes.push(`${s.probeErrors} probe errors`);
      if (name === 'direct' && s.probeForeignCpu > NOISY_CPU)
        notes.push(`c=1 NOISY: other jobs ${Math.round(s.probeForeignCpu * 100)}% CPU`);
      if (s.fidelity === 'MISMATCH') notes.push('FIDELITY MISMATCH');
      if (c.name.includes('paced') && s.addedTotalMs != null) notes.push(`added total ${fmtAdded(s.addedTotalMs)} ms`);
      rows.push([
        name === 'direct' ? c.name : '',
        name,
        fmtInt(s.rps),
        name === 'direct' ? '—' : fmtFixed(s.ratioToFloor),
        s.cpuMicrosPerRequest == null
          ? '—'
          : name === 'direct'
            ? `(${fmtInt(s.cpuMicrosPerRequest)})`
            : fmtInt(s.cpuMicrosPerRequest),
        name === 'direct' ? '—' : fmtFixed(s.cpuVsFloor),
        s.cpuUtilization == null ? '—' : `${Math.round(s.cpuUtilization * 100)}%`,
        s.loadCoreUtilization == null ? '—' : `${Math.round(s.loadCoreUtilization * 100)}%`,
        s.latencyP50Ms == null ? '—' : `${s.latencyP50Ms} / ${s.latencyP99Ms}`,
        s.c1P50Ms == null ? '—' : `${s.c1P50Ms.toFixed(3)} ${metric}`,
        name === 'direct' ? '—' : fmtAdded(s.addedMs),
        notes.filter(Boolean).join('; '),
      ]);
    }
  }
  lines.push(table(rows));
  lines.push('');
  lines.push('x floor = this arm / minproxy (throughput: higher is better; CPU: lower is better). CPU us/req = CPU time of the');
  lines.push('arm process (all threads) over the measured window / completed requests. c=1 p50 = median of round medians;');
  lines.push('added = median over rounds of (arm - direct). JSON: total time; SSE: time to first body byte. CPU % = arm');
  lines.push('process CPU over the window (direct: the upstream); load core = autocannon + upstream CPU (they share a core).');
  const fidelityNotes = results.flatMap((c) =>
    Object.entries(c.fidelity ?? {}).flatMap(([arm, f]) => [
      ...(f.issues ?? []).map((i) => `${c.name}/${arm}: MISMATCH ${i}`),
      ...(f.notes ?? []).map((n) => `${c.name}/${arm}: ${n}`),
    ]),
  );
  if (fidelityNotes.length) {
    lines.push('');
    lines.push('Fidelity (one request per arm, compared with direct):');
    for (const note of fidelityNotes) lines.push(`  ${note}`);
  }
  const errors = results.flatMap((c) => c.errors.map((e) => ({ case: c.name, ...e })));
  if (errors.length) {
    lines.push('');
    lines.push('Errors:');
    for (const e of errors) {
      lines.push(`  ${e.case}/${e.arm ?? '-'} [${e.phase}]: ${e.message.split('\n')[0]}`);
      if (e.body !== undefined) lines.push(`    status ${e.status}, body: ${e.body}`);
    }
  }
  lines.push('');
  lines.push('Targets (issue):');
  const targetResults = [];
  for (const target of TARGETS) {
    const c = results.find((r) => r.name === target.case);
    let verdict;
    let shown;
    let value = null;
    let caveat = null;
    if (!c) [verdict, shown] = ['n/a', 'case not run'];
    else {
      value = target.value(c, results) ?? null;
      if (value == null || Number.isNaN(value)) [verdict, shown] = ['MISS', 'no measurement (gateway failed?)'];
      else {
        caveat = target.caveat?.(c) || null;
        [verdict, shown] = [target.pass(value) ? 'PASS' : 'MISS', `${target.format(value)}${caveat ? `  (${caveat})` : ''}`];
      }
    }
    targetResults.push({ label: target.label, case: target.case, value, verdict, caveat });
    lines.push(`  ${verdict.padEnd(4)}  ${target.label}: ${shown}`);
  }
  return { text: lines.join('\n'), targetResults };
}

// ---------------------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------------------
async function main() {
  if (!existsSync(gatewayBin))
    throw new Error(`${path.relative(repoRoot, gatewayBin)} not found — run \`pnpm build\` first (or use \`pnpm bench\`).`);
  // Keep the orchestrator itself off the target CPU.
  if (pinning.enabled) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', String(pinning.loadCpu), String(process.pid)], { stdio: 'ignore' });
    } catch {}
  }
  const perCase = (c) =>
    (c.load === false
      ? 0
      : repeat * ARMS.length * (1 + noisyRetries) * ((warmupSec + durationSec + waitQuietSec + 1) * 1000 + 60_000)) +
    (c.probe === false
      ? 0
      : 30_000 +
        3 *
          (() => {
            const s = probeSettings(c);
            return (s.warmup + s.rounds * s.perRound) * s.maxRequestMs;
          })()) +
    60_000 +
    2 * waitQuietSec * 1000;
  const budgetMs = Number(process.env.BENCH_TIMEOUT ?? 0) * 1000 || cases.reduce((sum, c) => sum + perCase(c), 30_000);
  const watchdog = setTimeout(() => {
    log(`time budget of ${Math.round(budgetMs / 1000)} s exceeded; stopping`);
    stopAll().finally(() => process.exit(1));
  }, budgetMs);
  watchdog.unref();

  const env = environment();
  const startedAt = new Date();
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
  tempDirs.add(tmpDir);
  const results = [];
  try {
    for (const caseDef of cases) results.push(await runCase(caseDef, tmpDir));
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  const { text, targetResults } = report(results, env);
  process.stdout.write(`${text}\n`);

  const outDir = path.join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  const output = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    argv: process.argv.slice(2),
    options: { quick, durationSec, warmupSec, connections, repeat, cases: cases.map((c) => c.name) },
    env,
    targets: targetResults,
    cases: results.map(({ summary, ...rest }) => ({ ...rest, summary })),
  };
  writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  process.stdout.write(`\nresults: ${path.relative(repoRoot, file)}\n`);

  const failed = results.some((c) => c.errors.length > 0);
  const missed = targetResults.some((t) => t.verdict === 'MISS');
  if (failed) process.exitCode = 1;
  else if (missed && flags.strict) process.exitCode = 2;
}

main().catch(async (error) => {
  log(`error: ${error.stack ?? error.message}`);
  await stopAll();
  process.exit(1);
});
