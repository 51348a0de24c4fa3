/**
 * Three gateway processes share one real Redis. One key, limited to N requests a minute and to a
 * daily budget of $X, sends concurrent traffic spread across them. The limit and the budget must hold
 * across the fleet, and the ledger must account for exactly what the upstream billed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeOpenAI, type RedisServer, startFakeOpenAI, startRedisServer } from '@switchyard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const adminKey = 'admin-key-multi-0123456789';
const limitedKey = 'fleet-key-0123456789abcdef';
const budgetKey = 'wallet-key-0123456789abcdef';
const RPM = 30;
const BUDGET_USD = 0.0004;

let redis: RedisServer;
let upstream: FakeOpenAI;
const children: ChildProcess[] = [];
const urls: string[] = [];

function startInstance(configFile: string): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', configFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`instance did not start:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /switchyard listening on (http:\/\/[^\s"]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}:\n${output}`)));
  });
}

beforeAll(async () => {
  redis = await startRedisServer();
  upstream = await startFakeOpenAI({ apiKey: 'sk-upstream-fleet-000000' });
  const directory = mkdtempSync(join(tmpdir(), 'switchyard-fleet-'));
  const configFile = join(directory, 'switchyard.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      server: { logLevel: 'warn' },
      store: { type: 'redis', url: redis.url, commandTimeoutMs: 1000 },
      providers: { openai: { apiKey: 'sk-upstream-fleet-000000', baseURL: upstream.url } },
      auth: {
        adminKey,
        keys: [
          {
            id: 'fleet',
            name: 'fleet',
            team: 'ops',
            key: limitedKey,
            limits: { rpm: RPM },
            budgets: [{ window: 'day', usd: 1 }],
          },
          {
            id: 'wallet',
            name: 'wallet',
            team: 'ops',
            key: budgetKey,
            limits: { rpm: 100_000 },
            budgets: [{ window: 'day', usd: BUDGET_USD }],
          },
        ],
      },
      cost: {},
    }),
  );
  urls.push(...(await Promise.all([startInstance(configFile), startInstance(configFile), startInstance(configFile)])));
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)),
  );
  await upstream?.close();
  await redis?.stop();
});

/** What the fake upstream bills one request: its usage at gpt-4o-mini's list price, in nano-dollars. */
function billOf(prompt: number, completion: number): number {
  return prompt * 150 + completion * 600;
}

async function send(url: string, key: string, content: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', max_tokens: 40, messages: [{ role: 'user', content }] }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

/** Sends `count` concurrent requests for `key`, round-robin over the three instances. */
async function burst(key: string, count: number, label: string) {
  const started = Date.now();
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) => send(urls[index % 3] ?? '', key, `${label} number ${index}`)),
  );
  const byCode = (code: string) => results.filter((result) => result.code === code).length;
  return {
    elapsedMs: Date.now() - started,
    admitted: results.filter((result) => result.status === 200).length,
    rateLimited: byCode('rate_limit_exceeded'),
    overBudget: byCode('budget_exceeded'),
  };
}

async function admin<T>(url: string, path: string): Promise<T> {
  return (await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as T;
}

/** What the fake upstream billed: each request's usage at gpt-4o-mini's list price, in nano-dollars. */
function upstreamBill(label: string): number {
  let billed = 0;
  for (const request of upstream.requests) {
    const text = (request.body as { messages: Array<{ content: string }> }).messages[0]?.content ?? '';
    if (!text.startsWith(label)) continue;
    const words = text.split(/\s+/).filter(Boolean).length;
    billed += billOf(words, words + 1); // the fake answers "echo: <text>"
  }
  return billed;
}

type Ledger = { data: Array<{ requestId: string; status: number; costNano: number | null; keyId: string }> };

describe('three instances sharing one Redis', () => {
  it('hold a key to its requests-per-minute limit across the fleet', async () => {
    const run = await burst(limitedKey, 90, 'limited');
    // GCRA admits the limit at once, then one more per 60 s / RPM.
    expect(run.admitted).toBeLessThanOrEqual(RPM + Math.ceil(run.elapsedMs / (60_000 / RPM)));
    expect(run.admitted).toBeGreaterThanOrEqual(RPM);
    expect(run.admitted + run.rateLimited).toBe(90);
    console.info(
      `fleet rpm: ${run.admitted}/90 admitted in ${run.elapsedMs} ms at ${RPM} rpm, ${run.rateLimited} refused with 429`,
    );
  });

  it('hold a key to its budget across the fleet, and the ledger matches the upstream bill exactly', async () => {
    const run = await burst(budgetKey, 90, 'budget');
    expect(run.overBudget).toBeGreaterThan(0);
    expect(run.admitted + run.overBudget).toBe(90);
    // In a burst, each request holds its worst case (40 output tokens) until it settles, so fewer fit
    // at once than the real costs would allow. One at a time, the budget is used up to its last request.
    let sequential = 0;
    for (let index = 0; index < 400; index += 1) {
      const result = await send(urls[index % 3] ?? '', budgetKey, `budget sequential ${index}`);
      if (result.status !== 200) {
        expect(result.code).toBe('budget_exceeded');
        break;
      }
      sequential += 1;
    }
    expect(sequential).toBeGreaterThan(0);

    // Every instance writes its records to the one Redis ledger; read it from any of them.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const ledger = await admin<Ledger>(urls[1] ?? '', '/admin/ledger?key=wallet');
    expect(ledger.data).toHaveLength(90 + sequential + 1);
    expect(new Set(ledger.data.map((record) => record.requestId)).size).toBe(ledger.data.length);
    expect(ledger.data.filter((record) => record.status === 200)).toHaveLength(run.admitted + sequential);

    const billed = upstreamBill('budget');
    const recorded = ledger.data.reduce((sum, record) => sum + (record.costNano ?? 0), 0);
    expect(recorded).toBe(billed);
    expect(recorded).toBeLessThanOrEqual(BUDGET_USD * 1e9);
    // What is left is less than one request's worst case: (prompt bytes × $0.15 + 40 × $0.60) per million.
    expect(BUDGET_USD * 1e9 - recorded).toBeLessThan(60 * 150 + 40 * 600);

    const budgets = await admin<{ data: Array<{ spentUsd: number; reservedUsd: number }> }>(
      urls[2] ?? '',
      '/admin/budgets?key=wallet',
    );
    expect(budgets.data[0]?.reservedUsd).toBe(0);
    expect(Math.round((budgets.data[0]?.spentUsd ?? 0) * 1e9)).toBe(billed);

    // The first key's records are all there too, and match its bill.
    const fleet = await admin<Ledger>(urls[0] ?? '', '/admin/ledger?key=fleet');
    expect(fleet.data).toHaveLength(90);
    expect(fleet.data.reduce((sum, record) => sum + (record.costNano ?? 0), 0)).toBe(upstreamBill('limited'));
    console.info(
      `fleet budget: burst ${run.admitted}/90 admitted, ${run.overBudget} refused, then ${sequential} one at a time; spend $${(recorded / 1e9).toFixed(9)} of $${BUDGET_USD}; ledger = upstream bill = ${billed} nano-USD`,
    );
  });
});
