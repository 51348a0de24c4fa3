import { createServer, type Server } from 'node:http';
import {
  createGateway,
  createMemoryLog,
  createMemoryStore,
  type Gateway,
  type Middleware,
  type Principal,
  silentLogger,
} from '@switchyard/core';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BudgetOptions, type CostMiddleware, cost, type LedgerRecord, NANO_PER_USD } from '../src/index.js';

let upstream: FakeOpenAI;
let webhook: Server;
let webhookUrl: string;
const alerts: unknown[] = [];
const gateways: Gateway[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      alerts.push(JSON.parse(body));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const address = webhook.address();
  webhookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/alerts`;
});
afterAll(async () => {
  await upstream.close();
  await new Promise((resolve) => webhook.close(resolve));
});
afterEach(async () => {
  upstream.reset();
  alerts.length = 0;
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

const principal: Principal = { keyId: 'key-1', team: 'red', budgets: [{ window: 'day', usd: 0.00005 }] };

function setup(budgets?: BudgetOptions) {
  const log = createMemoryLog();
  const caller: Middleware = {
    name: 'auth',
    async handle(context, next) {
      context.state.principal = principal;
      await next();
    },
  };
  const costMiddleware: CostMiddleware = cost({
    store: createMemoryStore(),
    ledger: log,
    budgets,
    authorizeAdmin: (request) => {
      if (request.headers.authorization !== 'Bearer admin') throw new Error('not admin');
    },
  });
  const gateway = createGateway({
    providers: [
      createOpenAICompatibleProvider({ id: 'openai', baseURL: upstream.url, apiKey: 'sk-test', models: ['gpt-4o-mini'] }),
    ],
    middleware: [caller, costMiddleware],
    logger: silentLogger,
  });
  gateways.push(gateway);
  const records = async (): Promise<LedgerRecord[]> => {
    await costMiddleware.flush();
    return (await log.read(0, 1000)).map((line) => JSON.parse(line) as LedgerRecord);
  };
  return { gateway, records, costMiddleware };
}

function chat(gateway: Gateway, body: Record<string, unknown> = {}) {
  return gateway.fetch(
    new Request('http://gw.test/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        max_tokens: 50,
        messages: [{ role: 'user', content: 'one two three' }],
        ...body,
      }),
    }),
  );
}

/** gpt-4o-mini: $0.15 input and $0.60 output per million tokens, in nano-dollars per token. */
const bill = (prompt: number, completion: number) => prompt * 150 + completion * 600;

describe('cost middleware', () => {
  it('records one ledger line per request with the exact cost of the usage the upstream reported', async () => {
    const { gateway, records } = setup();
    const response = await chat(gateway);
    const { usage } = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    const streamed = await chat(gateway, { stream: true });
    await streamed.text();

    const lines = await records();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      keyId: 'key-1',
      team: 'red',
      model: 'openai/gpt-4o-mini',
      deployment: 'openai/gpt-4o-mini',
      promptTokens: usage.prompt_tokens,
      completionTokens: usage.completion_tokens,
      costNano: bill(usage.prompt_tokens, usage.completion_tokens),
      price: 'gpt-4o-mini',
      status: 200,
      stream: false,
    });
    // The stream's usage was asked for upstream (the client did not) and counted.
    expect(lines[1]).toMatchObject({ stream: true, costNano: bill(usage.prompt_tokens, usage.completion_tokens), status: 200 });
    expect(JSON.stringify(lines)).not.toContain('one two three');
  });

  it('stops at the budget with 429 budget_exceeded before calling the upstream, and records the refusal', async () => {
    const { gateway, records } = setup({ failMode: 'closed' });
    // Each request reserves its worst case (50 output tokens), ~$0.00003; the budget is $0.00005.
    let refused: Response | undefined;
    for (let i = 0; i < 60 && refused === undefined; i += 1) {
      const response = await chat(gateway);
      if (response.status === 429) refused = response;
      else await response.text();
    }
    expect(refused).toBeDefined();
    const body = (await refused?.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exceeded');
    expect(refused?.headers.get('x-should-retry')).toBe('false');
    const lines = await records();
    const spent = lines.reduce((sum, line) => sum + (line.costNano ?? 0), 0);
    expect(spent).toBeLessThanOrEqual(0.00005 * NANO_PER_USD);
    expect(lines.filter((line) => line.status === 200)).toHaveLength(upstream.requests.length);
    expect(lines.at(-1)).toMatchObject({ status: 429, errorCode: 'budget_exceeded', costNano: 0 });
  });

  it('releases the reservation when the upstream fails, so failures cost no budget', async () => {
    const { gateway, costMiddleware } = setup({});
    upstream.script({ kind: 'error', status: 500, message: 'boom' });
    expect((await chat(gateway)).status).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [status] = (await costMiddleware.budgets?.status([{ scope: 'key', id: 'key-1', window: 'day', usd: 0.00005 }])) ?? [];
    expect(status).toMatchObject({ spentUsd: 0, reservedUsd: 0 });
  });

  it('posts an alert to the webhook once when spend crosses the threshold', async () => {
    const { gateway } = setup({ thresholds: [0.01], webhook: { url: webhookUrl } });
    await (await chat(gateway)).text();
    await (await chat(gateway)).text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: 'budget.threshold', scope: 'key', id: 'key-1', threshold: 0.01, limitUsd: 0.00005 });
  });

  it('refuses a budgeted request for a model without a price, by default', async () => {
    const { gateway } = setup({});
    const response = await chat(gateway, { model: 'openai/some-unpriced-model' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('price_unknown');
  });

  it('reports spend by key, team, model and day as JSON or CSV, behind the admin check', async () => {
    const { gateway } = setup();
    await (await chat(gateway)).text();
    await (await chat(gateway)).text();
    const get = (path: string, admin = true) =>
      gateway.fetch(new Request(`http://gw.test${path}`, { headers: admin ? { authorization: 'Bearer admin' } : {} }));
    expect((await get('/admin/spend', false)).status).toBe(500);
    const report = (await (await get('/admin/spend?group_by=team')).json()) as {
      data: Array<{ group: string; requests: number; cost: number }>;
    };
    expect(report.data).toEqual([expect.objectContaining({ group: 'red', requests: 2 })]);
    const csv = await (await get('/admin/ledger?format=csv')).text();
    expect(csv.split('\n')[0]).toContain('requestId,time,keyId,team');
    expect(csv.trim().split('\n')).toHaveLength(3);
    const bad = await get('/admin/spend?group_by=planet');
    expect(bad.status).toBe(400);
  });
});
