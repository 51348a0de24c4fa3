#!/usr/bin/env node
// Sequential (c=1) latency probe with µs precision, interleaved across targets.
//
//   node bench/probe.mjs '<json>'  with { targets: [{ name, url, path?, body? }], path, body, stream, warmup, rounds, perRound, baseline }
//   (a target's own path/body win over the shared ones: arms that speak different dialects)
//
// For every request it records time to response headers, to the first body byte (≈ TTFT for SSE) and to
// the end of the body. After `warmup` requests per target, it runs `rounds` rounds; each round visits every
// target (in a rotated order) for `perRound` back-to-back requests. "Added" latency is computed per round
// (median(target) − median(baseline) in the same round) and reported as the median over rounds, which
// cancels slow drifts of the VM. Prints one JSON line.
import { Client } from 'undici';
import { BENCH_GATEWAY_KEY, median, percentile } from './lib.mjs';

const spec = JSON.parse(process.argv[2] ?? '{}');
const { targets, path = '/v1/chat/completions', body, warmup = 200, rounds = 7, perRound = 50, baseline = 'direct' } = spec;
const now = () => process.hrtime.bigint();
const micros = (from, to) => Number(to - from) / 1000;

const ownBefore = process.cpuUsage();
const clients = new Map(
  targets.map((target) => [
    target.name,
    new Client(target.url, { pipelining: 1, keepAliveTimeout: 60_000, bodyTimeout: 30_000 }),
  ]),
);

async function once(client, target) {
  const t0 = now();
  const response = await client.request({
    method: 'POST',
    path: target.path ?? path,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_GATEWAY_KEY}` },
    body: target.body ?? body,
  });
  const tHeaders = now();
  let tFirst = null;
  let bytes = 0;
  for await (const chunk of response.body) {
    if (tFirst === null) tFirst = now();
    bytes += chunk.length;
  }
  const tEnd = now();
  if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
  return { headers: micros(t0, tHeaders), ttfb: micros(t0, tFirst ?? tEnd), total: micros(t0, tEnd), bytes };
}

const metrics = ['headers', 'ttfb', 'total'];
const samples = Object.fromEntries(targets.map((t) => [t.name, { headers: [], ttfb: [], total: [] }]));
const roundMedians = Object.fromEntries(targets.map((t) => [t.name, { headers: [], ttfb: [], total: [] }]));
const errors = Object.fromEntries(targets.map((t) => [t.name, 0]));

// Warm-up, interleaved in small blocks so every target's JIT and connections are hot.
for (let done = 0; done < warmup; done += 10) {
  for (const target of targets) {
    for (let i = 0; i < Math.min(10, warmup - done); i++) {
      try {
        await once(clients.get(target.name), target);
      } catch {
        errors[target.name]++;
      }
    }
  }
}

for (let round = 0; round < rounds; round++) {
  const order = targets.map((_, i) => targets[(i + round) % targets.length]);
  for (const target of order) {
    const local = { headers: [], ttfb: [], total: [] };
    for (let i = 0; i < perRound; i++) {
      try {
        const sample = await once(clients.get(target.name), target);
        for (const metric of metrics) {
          local[metric].push(sample[metric]);
          samples[target.name][metric].push(sample[metric]);
        }
      } catch {
        errors[target.name]++;
      }
    }
    for (const metric of metrics) roundMedians[target.name][metric].push(median(local[metric]));
  }
}

const summary = {};
for (const target of targets) {
  const own = samples[target.name];
  const entry = { samples: own.total.length, errors: errors[target.name] };
  for (const metric of metrics) {
    const values = own[metric];
    const medians = roundMedians[target.name][metric];
    const stat = {
      p50: median(values),
      p25: percentile(values, 25),
      p75: percentile(values, 75),
      p90: percentile(values, 90),
      p99: values.length >= 1000 ? percentile(values, 99) : null,
      medianOfRoundMedians: median(medians.filter((v) => v !== null)),
    };
    if (target.name !== baseline && roundMedians[baseline]) {
      const base = roundMedians[baseline][metric];
      const added = medians.map((v, i) => (v === null || base[i] === null ? null : v - base[i])).filter((v) => v !== null);
      stat.addedP50 = median(added);
      stat.addedRounds = added;
    }
    entry[metric] = stat;
  }
  summary[target.name] = entry;
}

await Promise.all([...clients.values()].map((client) => client.close()));
const own = process.cpuUsage(ownBefore);
process.stdout.write(
  `${JSON.stringify({ unit: 'µs', warmup, rounds, perRound, baseline, targets: summary, ownCpuMicros: own.user + own.system })}\n`,
);
