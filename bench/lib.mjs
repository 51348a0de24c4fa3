// Small helpers shared by the bench scripts (no dependencies beyond node).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The gateway key every arm sends (only the governance cases check it; the others ignore it). */
export const BENCH_GATEWAY_KEY = 'bench-gateway-key-0123456789abcdef';

let clockTicks;
/** Kernel clock ticks per second (USER_HZ), used by /proc/<pid>/stat. */
export function clkTck() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system, all threads) of a process in µs, from /proc/<pid>/stat; null when unavailable. */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14, stime field 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clkTck();
  } catch {
    return null;
  }
}

/** Resident set size of a process in MiB, from /proc/<pid>/status; null when unavailable. */
export function rssMiB(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Percentile (0..100) of a numeric array, nearest-rank on a sorted copy. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/**
 * Parses an OpenAI chat response body (JSON or SSE) into a comparable summary:
 * frame count, concatenated assistant text, whether usage and [DONE] were present.
 */
export function summarizeChatBody(text, stream) {
  if (!stream) {
    const parsed = JSON.parse(text);
    return {
      object: parsed.object,
      content: parsed.choices?.[0]?.message?.content ?? null,
      finishReason: parsed.choices?.[0]?.finish_reason ?? null,
      usage: parsed.usage ?? null,
    };
  }
  const frames = text.split(/\r?\n\r?\n/).filter((frame) => frame.trim() !== '');
  let content = '';
  let usage = null;
  let finishReason = null;
  let done = false;
  let badFrames = 0;
  for (const frame of frames) {
    const data = frame
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (data === '[DONE]') {
      done = true;
      continue;
    }
    try {
      const chunk = JSON.parse(data);
      for (const choice of chunk.choices ?? []) {
        if (typeof choice.delta?.content === 'string') content += choice.delta.content;
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    } catch {
      badFrames++;
    }
  }
  return {
    frames: frames.length,
    content,
    finishReason,
    usage,
    done,
    badFrames,
    lastFrameIsDone: frames.at(-1)?.trim() === 'data: [DONE]',
  };
}

/**
 * Machine-wide CPU counters from /proc/stat, in µs: { all: {busy, idle, steal}, cpu0: {...}, ... }.
 * busy = user + nice + system + irq + softirq (steal is reported separately); null when unavailable.
 */
export function procStat() {
  try {
    const scale = 1e6 / clkTck();
    const out = {};
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      if (!line.startsWith('cpu')) continue;
      const [name, ...rest] = line.trim().split(/\s+/);
      const [user, nice, system, idle, iowait, irq, softirq, steal] = rest.map(Number);
      out[name === 'cpu' ? 'all' : name] = {
        busy: (user + nice + system + irq + softirq) * scale,
        idle: (idle + iowait) * scale,
        steal: (steal || 0) * scale,
      };
    }
    return out;
  } catch {
    return null;
  }
}

/** Per-CPU utilization between two procStat() snapshots over `wallSec`: { cpu0: { busy, steal }, ... } as fractions of one CPU. */
export function procStatDelta(before, after, wallSec) {
  if (!before || !after) return null;
  const out = {};
  for (const [name, end] of Object.entries(after)) {
    const start = before[name];
    if (!start) continue;
    out[name] = { busy: (end.busy - start.busy) / 1e6 / wallSec, steal: (end.steal - start.steal) / 1e6 / wallSec };
  }
  return out;
}
