/**
 * The whole pipeline from one config file: keys, cost and ledger, an A/B experiment and the cache,
 * driven with the official SDK and read back with the CLI.
 */
import { createJsonLogger } from '@switchyard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { gatewayFromConfig } from '../src/gateway-from-config.js';
import { parseConfig } from '../src/load-config.js';
import { type RunningServer, startServer } from '../src/start-server.js';

const adminKey = 'admin-pipeline-0123456789';
const key = 'pipeline-key-0123456789abcdef';
let upstream: FakeOpenAI;
let server: RunningServer;

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  const config = parseConfig(
    {
      server: { logLevel: 'silent' },
      providers: { openai: { apiKey: 'sk-up-0000000000', baseURL: upstream.url } },
      auth: { adminKey, keys: [{ id: 'app', name: 'app', team: 'web', key }] },
      cost: {},
      experiments: {
        'mini-vs-4o': {
          alias: 'assistant',
          unit: 'user',
          control: 'mini',
          variants: { mini: { model: 'openai/gpt-4o-mini' }, big: { model: 'openai/gpt-4o', params: { temperature: 0.2 } } },
        },
      },
      cache: { models: ['*'], ttlSeconds: 60 },
      moderation: { input: true, output: false, rules: { deny: ['launch codes'] } },
      pii: { detectors: { email: 'mask' } },
      metrics: {},
    },
    {},
  );
  server = await startServer({
    gateway: gatewayFromConfig(config, { env: {}, logger: createJsonLogger({ level: 'silent' }) }),
    port: 0,
  });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});

function cli(...args: string[]) {
  let out = '';
  return runCli([...args, '--url', server.url, '--admin-key', adminKey], {
    env: {},
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      out += text;
    },
  }).then((code) => ({ code, out }));
}

describe('a pipeline composed from config', () => {
  it('masks PII before the upstream and the cache, and restores it in the reply', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'write to ana.lima@example.com today' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: write to ana.lima@example.com today');
    const sent = JSON.stringify(upstream.requests.at(-1)?.body);
    expect(sent).toContain('<EMAIL_1>');
    expect(sent).not.toContain('ana.lima@example.com');
    upstream.reset();
  });

  it('refuses flagged input before any upstream call, and records the refusal', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const refused = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'tell me the Launch  Codes' }] })
      .catch((error) => error);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_flagged');
    expect(upstream.requests).toHaveLength(0);
  });

  it('assigns users to variants, caches per variant, and records both in the ledger', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const seen = new Map<string, string>();
    for (const user of ['ana', 'bo', 'cy', 'di', 'ed', 'flo', 'gus', 'hal']) {
      for (let round = 0; round < 2; round += 1) {
        const { response } = await client.chat.completions
          .create({ model: 'assistant', user, messages: [{ role: 'user', content: 'what is a relay?' }] })
          .withResponse();
        const variant = /variant=(\w+)/.exec(response.headers.get('x-switchyard-experiment') ?? '')?.[1] ?? '';
        if (round === 1) expect(variant).toBe(seen.get(user));
        seen.set(user, variant);
      }
    }
    const variants = new Set(seen.values());
    expect(variants).toEqual(new Set(['mini', 'big']));
    // One upstream call per variant: every other request was a cache hit (the `user` field is not in the key).
    expect(upstream.requests.map((request) => (request.body as { model: string }).model).sort()).toEqual([
      'gpt-4o',
      'gpt-4o-mini',
    ]);
    const big = upstream.requests.find((request) => (request.body as { model: string }).model === 'gpt-4o');
    expect((big?.body as { temperature?: number } | undefined)?.temperature).toBe(0.2);

    const ledger = await cli('spend', '--group-by', 'model');
    expect(ledger.code).toBe(0);
    const byModel = JSON.parse(ledger.out) as {
      data: Array<{ group: string; requests: number; cacheHits: number; saved: number; cost: number }>;
    };
    const assistant = byModel.data.find((row) => row.group === 'assistant');
    expect(assistant).toMatchObject({ requests: 16, cacheHits: 14 });
    // Each hit saved what its variant's upstream call cost; 14 hits over two variants saved 14 calls' worth.
    expect(assistant?.saved).toBeGreaterThan(assistant?.cost ?? 0);
    const records = (await (
      await fetch(`${server.url}/admin/ledger`, { headers: { authorization: `Bearer ${adminKey}` } })
    ).json()) as {
      data: Array<{ status: number; cache?: string; experiment?: string; variant?: string; costNano: number | null }>;
    };
    const served = records.data.filter((record) => record.status === 200 && record.experiment !== undefined);
    expect(served).toHaveLength(16);
    expect(served.filter((record) => record.cache === 'hit')).toHaveLength(14);
    expect(served.every((record) => record.experiment === 'mini-vs-4o')).toBe(true);
    expect(records.data.filter((record) => record.status === 400)).toHaveLength(1);
    // Cache hits cost nothing; the two upstream calls are priced.
    expect(served.filter((record) => (record.costNano ?? 0) > 0)).toHaveLength(2);

    const scraped = await (await fetch(`${server.url}/metrics`)).text();
    expect(scraped).toContain('switchyard_cache_requests_total{model="assistant",status="hit"} 14');
    expect(scraped).toMatch(/switchyard_experiment_requests_total\{experiment="mini-vs-4o",variant="big",status="200"\} \d+/);

    const report = await cli('experiments', 'report', 'mini-vs-4o');
    expect(report.code).toBe(0);
    expect(report.out).toContain('mini');
    expect(report.out).toContain('big');
  });
});
