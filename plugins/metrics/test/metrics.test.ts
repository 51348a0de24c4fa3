import { cache } from '@switchyard/cache';
import { createGateway, createMemoryStore, type Gateway, silentLogger } from '@switchyard/core';
import { cost, createPriceTable } from '@switchyard/cost';
import { createMockProvider } from '@switchyard/provider-mock';
import { authenticationError } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { Counter, metrics } from '../src/index.js';

const gateways: Gateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

function setup() {
  const store = createMemoryStore();
  const observed = metrics();
  const gateway = createGateway({
    providers: [createMockProvider()],
    middleware: [
      observed,
      cost({
        store,
        ledger: false,
        prices: createPriceTable({ overrides: { 'mock/*': { input_mtok: 1_000_000, output_mtok: 2_000_000 } } }),
      }),
      cache({ store, models: ['*'] }),
    ],
    logger: silentLogger,
  });
  gateways.push(gateway);
  return { gateway, observed };
}

const chat = (gateway: Gateway, model = 'mock/echo', content = 'hello there') =>
  gateway.fetch(
    new Request('http://gw/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
    }),
  );

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('metrics', () => {
  it('counts requests, tokens, cost, cache outcomes and latency, and serves them at GET /metrics', async () => {
    const { gateway } = setup();
    await (await chat(gateway)).text();
    await (await chat(gateway)).text();
    await (await chat(gateway, 'mock/error-429')).text();
    await settle();
    const response = await gateway.fetch(new Request('http://gw/metrics'));
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text).toContain('switchyard_requests_total{model="mock/echo",provider="mock",dialect="openai",status="200"} 2');
    expect(text).toMatch(/switchyard_requests_total\{model="mock\/error-429",provider="",dialect="openai",status="429"\} 1/);
    expect(text).toContain('switchyard_cache_requests_total{model="mock/echo",status="miss"} 1');
    expect(text).toContain('switchyard_cache_requests_total{model="mock/echo",status="hit"} 1');
    // Only the miss reached the provider: its usage and its cost (prices set to $1 and $2 per token).
    expect(text).toMatch(/switchyard_tokens_total\{model="mock\/echo",provider="mock",type="prompt"\} \d+/);
    expect(text).toMatch(/switchyard_cost_usd_total\{model="mock\/echo",provider="mock"\} [1-9]/);
    expect(text).toContain('switchyard_request_duration_seconds_count{model="mock/echo",provider="mock"} 2');
    expect(text).toMatch(/switchyard_request_duration_seconds_bucket\{model="mock\/echo",provider="mock",le="\+Inf"\} 2/);
  });

  it('keeps label sets bounded and escapes label values', () => {
    const counter = new Counter('c', 'help', ['model'], 2);
    counter.inc({ model: 'a' });
    counter.inc({ model: 'b"\n' });
    counter.inc({ model: 'c' });
    counter.inc({ model: 'd' });
    const text = counter.render();
    expect(text).toContain('c{model="b\\"\\n"} 1');
    expect(text).toContain('c{model="other"} 2');
    expect(text.split('\n').filter((line) => line.startsWith('c{'))).toHaveLength(3);
  });

  it('can require authorization to scrape', async () => {
    const gateway = createGateway({
      providers: [createMockProvider()],
      middleware: [
        metrics({
          authorize: (request) => {
            if (request.headers.authorization !== 'Bearer admin') throw authenticationError('Admin key needed.');
          },
        }),
      ],
      logger: silentLogger,
    });
    gateways.push(gateway);
    expect((await gateway.fetch(new Request('http://gw/metrics'))).status).toBe(401);
    expect((await gateway.fetch(new Request('http://gw/metrics', { headers: { authorization: 'Bearer admin' } }))).status).toBe(
      200,
    );
  });
});
