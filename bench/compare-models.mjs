#!/usr/bin/env node
// Compares the cost of two (or more) model names served by ONE gateway process, interleaved round by
// round, so both see the same process, the same warm JIT and the same machine noise. Used for the issue
// target "a 3-deployment weighted alias costs ≥ 0.95 × the single-deployment path".
//
//   node bench/compare-models.mjs [--rounds 5] [--duration 5] [--models single,pool,openai/gpt-4o-mini]
//
// Starts the bench upstream and the built gateway (`packages/server/dist/bin.js`) with a config holding a
// direct deployment (`openai/gpt-4o-mini`), a one-deployment alias (`single`) and a 3-deployment weighted
// alias (`pool`), pins them like run.mjs does when taskset exists,
// and prints the median req/s and gateway CPU µs/request per model plus the ratio to the first model.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { cpuMicros, median } from './lib.mjs';
import { startUpstream } from './upstream.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string' },
    duration: { type: 'string' },
    models: { type: 'string' },
    connections: { type: 'string' },
  },
});
const rounds = Number(values.rounds ?? 5);
const durationSec = Number(values.duration ?? 5);
const connections = Number(values.connections ?? 50);
const models = (values.models ?? 'single,pool,openai/gpt-4o-mini').split(',');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
if (pinned) spawnSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });

const upstream = await startUpstream();
const config = `server: { logLevel: warn }
providers:
  openai: { apiKey: bench-key, baseURL: ${upstream.url}/v1 }
  key-a: { type: openai, apiKey: bench-key-a, baseURL: ${upstream.url}/v1 }
  key-b: { type: openai, apiKey: bench-key-b, baseURL: ${upstream.url}/v1 }
  key-c: { type: openai, apiKey: bench-key-c, baseURL: ${upstream.url}/v1 }
models:
  pool:
    strategy: weighted
    targets:
      - { model: key-a/gpt-4o-mini, weight: 3 }
      - { model: key-b/gpt-4o-mini, weight: 2 }
      - { model: key-c/gpt-4o-mini, weight: 1 }
  single:
    targets: [{ model: openai/gpt-4o-mini }]
`;
const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'switchyard-compare-')), 'config.yaml');
writeFileSync(configFile, config);
const port = 20_000 + Math.floor(Math.random() * 20_000);
const command = [path.join(repoRoot, 'packages/server/dist/bin.js'), 'serve', '--config', configFile, '--port', String(port)];
const gateway = pinned ? spawn('taskset', ['-c', '1', process.execPath, ...command]) : spawn(process.execPath, command);
const stop = () => {
  gateway.kill('SIGTERM');
  upstream.close();
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

try {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the gateway did not start within 15 s')), 15_000);
    gateway.stdout.on('data', (text) => {
      if (String(text).includes('listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    gateway.once('exit', (code) => reject(new Error(`the gateway exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}/v1/chat/completions`;
  const load = (model, duration) =>
    new Promise((resolve, reject) =>
      autocannon(
        {
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Write one sentence about LLM gateways.' }] }),
          connections,
          duration,
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
  for (const model of models) await load(model, 2); // warm-up, unmeasured
  const samples = Object.fromEntries(models.map((model) => [model, { rps: [], cpu: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const model of round % 2 === 0 ? models : [...models].reverse()) {
      const before = cpuMicros(gateway.pid);
      const result = await load(model, durationSec);
      const spent = cpuMicros(gateway.pid) - before;
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${model}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      samples[model].rps.push(result.requests.total / durationSec);
      samples[model].cpu.push(spent / result.requests.total);
    }
  }
  const base = median(samples[models[0]].rps);
  console.log(
    `one gateway process, ${rounds} interleaved rounds x ${durationSec} s per model, c=${connections}${pinned ? ', pinned' : ''}`,
  );
  for (const model of models) {
    const rps = median(samples[model].rps);
    console.log(
      `${model.padEnd(22)} ${Math.round(rps).toLocaleString('en-US').padStart(7)} req/s  ${(rps / base).toFixed(2)}x  ${Math.round(median(samples[model].cpu))} CPU us/req`,
    );
  }
} finally {
  stop();
}
