#!/usr/bin/env node
// Closed-loop load with autocannon (programmatic API), run as its own process so it can be pinned next to
// the upstream. Does an unmeasured warm-up run, then reads the CPU time of the watched processes from
// /proc/<pid>/stat around the measured run. For SSE a request completes when the whole stream has arrived.
//
//   node bench/load.mjs '<json>'   with { url, body, connections, warmupSec, durationSec, pids: { name: pid } }
// Prints one JSON line with the result.
import autocannon from 'autocannon';
import { BENCH_GATEWAY_KEY, cpuMicros, procStat, procStatDelta, rssMiB } from './lib.mjs';

const spec = JSON.parse(process.argv[2] ?? '{}');
const { url, body, connections = 50, warmupSec = 3, durationSec = 10, pids = {} } = spec;

function run(duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_GATEWAY_KEY}` },
        body,
        connections,
        pipelining: 1,
        duration,
        timeout: 10,
        renderProgressBar: false,
        renderResultsTable: false,
        renderLatencyTable: false,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

if (warmupSec > 0) await run(warmupSec);

const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMicros(pid)]));
const statBefore = procStat();
const t0 = process.hrtime.bigint();
const ownBefore = process.cpuUsage();
const result = await run(durationSec);
const own = process.cpuUsage(ownBefore);
const wallSec = Number(process.hrtime.bigint() - t0) / 1e9;
const statAfter = procStat();
const cpuAfter = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMicros(pid)]));

const completed = result.requests.total;
const ok = result['2xx'];
const cpu = {};
for (const [name, pid] of Object.entries(pids)) {
  const before = cpuBefore[name];
  const after = cpuAfter[name];
  if (before === null || after === null) {
    cpu[name] = null;
    continue;
  }
  const micros = after - before;
  cpu[name] = {
    pid,
    cpuMicros: micros,
    utilization: micros / 1e6 / wallSec,
    microsPerRequest: completed > 0 ? micros / completed : null,
    rssMiB: rssMiB(pid),
  };
}

// CPU used on the machine by anything other than the watched processes and this load generator
// (other jobs on a shared box): total busy - ours, as a fraction of one CPU.
const machine = procStatDelta(statBefore, statAfter, wallSec);
const oursMicros =
  [
    ...new Map(
      Object.values(cpu)
        .filter(Boolean)
        .map((c) => [c.pid, c.cpuMicros]),
    ).values(),
  ].reduce((a, b) => a + b, 0) +
  own.user +
  own.system;
const foreignCpu = machine ? Math.max(0, machine.all.busy - oursMicros / 1e6 / wallSec) : null;

process.stdout.write(
  `${JSON.stringify({
    url,
    connections,
    warmupSec,
    durationSec: result.duration,
    wallSec,
    completed,
    ok,
    rps: completed / result.duration,
    okRps: ok / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodeStats: result.statusCodeStats,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: result.latency.average,
      max: result.latency.max,
    },
    bytesPerSec: result.throughput.average,
    cpu,
    // The load generator itself (autocannon, this process): shares its core with the upstream when pinned.
    loadgenCpu: { cpuMicros: own.user + own.system, utilization: (own.user + own.system) / 1e6 / wallSec },
    machine,
    foreignCpu,
  })}\n`,
);
