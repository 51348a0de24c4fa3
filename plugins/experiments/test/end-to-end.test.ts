/**
 * End to end: two gateway instances (separate HTTP servers, one shared store, as with Redis) in front of
 * two fake upstreams, driven by the official openai SDK. Traffic splits by the weights, every user stays
 * on one variant whichever instance serves them, feedback sent to either instance lands on the variant,
 * and the admin report shows it all.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, createMemoryStore, type Gateway, type ServiceRequest, type Store, silentLogger } from '@switchyard/core';
import { createNodeHandler } from '@switchyard/node-http';
import { authenticationError } from '@switchyard/spec';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf, configSchema, type ExperimentReport, experimentsFromConfig, formatReport } from '../src/index.js';
import { providersFor, startUpstreams, type Upstreams } from './harness.js';

const adminKey = 'admin-key-0123456789abcdef';
const authorizeAdmin = (request: Pick<ServiceRequest, 'headers'>) => {
  if (request.headers.authorization !== `Bearer ${adminKey}`) throw authenticationError('This endpoint needs the admin key.');
};

/** The `experiments:` section as a config file would give it (parsed by the exported schema). */
const config = configSchema.parse({
  'model-swap': {
    alias: 'assistant',
    unit: 'user',
    variants: {
      incumbent: { model: 'alpha/gpt-4o-mini', weight: 70 },
      challenger: { model: 'beta/gpt-4o', weight: 30, params: { temperature: 0.3 } },
    },
    control: 'incumbent',
    start: '2020-01-01T00:00:00Z',
    decision: { successRateMargin: 0.05, latencyRatioMax: 1.5, minRequests: 50 },
  },
});

interface Instance {
  gateway: Gateway;
  server: Server;
  url: string;
  client: OpenAI;
}

let upstreams: Upstreams;
let store: Store;
const instances: Instance[] = [];

async function startInstance(): Promise<Instance> {
  const providers = providersFor(upstreams);
  const middleware = experimentsFromConfig(config, { store, authorizeAdmin, providers, logger: silentLogger });
  const gateway = createGateway({ providers, middleware: [middleware], logger: silentLogger });
  const server = createServer(createNodeHandler(gateway));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { gateway, server, url, client: new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-client', maxRetries: 0 }) };
}

beforeAll(async () => {
  upstreams = await startUpstreams();
  store = createMemoryStore();
  instances.push(await startInstance(), await startInstance());
});
afterAll(async () => {
  for (const instance of instances) {
    await new Promise((resolve) => instance.server.close(resolve));
    await instance.gateway.close();
  }
  await upstreams.close();
});

const users = Array.from({ length: 200 }, (_, index) => `customer-${index}`);
const expectedVariant = (user: string) => (bucketOf('model-swap', user) < 0.7 ? 'incumbent' : 'challenger');

async function adminReport(instance: Instance, format?: 'text'): Promise<Response> {
  return fetch(`${instance.url}/admin/experiments/model-swap/report${format ? `?format=${format}` : ''}`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
}

describe('an experiment across two gateway instances', () => {
  const requestIds = new Map<string, { id: string; variant: string }>();

  it('splits traffic by weight and keeps every user on one variant on both instances', async () => {
    for (const [index, user] of users.entries()) {
      // Each user talks to both instances; the second call must land on the same variant.
      const answers = [];
      for (const instance of [instances[index % 2], instances[(index + 1) % 2]] as Instance[]) {
        const { data, response } = await instance.client.chat.completions
          .create({ model: 'assistant', user, messages: [{ role: 'user', content: `question from ${user}` }] })
          .withResponse();
        expect(data.choices[0]?.message.content).toBe(`echo: question from ${user}`);
        answers.push({
          header: response.headers.get('x-switchyard-experiment'),
          id: response.headers.get('x-request-id') as string,
        });
      }
      expect(answers[0]?.header).toBe(`model-swap; variant=${expectedVariant(user)}`);
      expect(answers[1]?.header).toBe(answers[0]?.header);
      requestIds.set(user, { id: answers[0]?.id as string, variant: expectedVariant(user) });
    }
    const challengers = users.filter((user) => expectedVariant(user) === 'challenger').length;
    // The fakes saw exactly the hashed split, and it is near 70/30 (binomial sd ≈ 6.5 users of 200).
    expect(upstreams.beta.requests).toHaveLength(challengers * 2);
    expect(upstreams.alpha.requests).toHaveLength((users.length - challengers) * 2);
    expect(challengers).toBeGreaterThan(60 - 4 * 6.5);
    expect(challengers).toBeLessThan(60 + 4 * 6.5);
    // The challenger's overrides reached its upstream; the incumbent's requests are untouched.
    expect(upstreams.beta.requests.every((request) => (request.body as { temperature?: number }).temperature === 0.3)).toBe(true);
    expect(
      upstreams.alpha.requests.every((request) => (request.body as { temperature?: number }).temperature === undefined),
    ).toBe(true);
  });

  it('counts streamed requests (with their usage) and upstream errors', async () => {
    const challenger = users.find((user) => expectedVariant(user) === 'challenger') as string;
    const stream = await (instances[0] as Instance).client.chat.completions.create({
      model: 'assistant',
      user: challenger,
      stream: true,
      messages: [{ role: 'user', content: 'stream please' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream please');

    upstreams.beta.script({ kind: 'error', status: 500, message: 'upstream broke' });
    await expect(
      (instances[1] as Instance).client.chat.completions.create({
        model: 'assistant',
        user: challenger,
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toMatchObject({ status: 500 });
  });

  it('takes feedback on either instance and reports it with the rest', async () => {
    const total = users.length * 2 + 2;
    // Wait for the counts written after each response.
    let report: ExperimentReport | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      report = (await (await adminReport(instances[0] as Instance)).json()) as ExperimentReport;
      if (report.variants.reduce((sum, variant) => sum + variant.requests, 0) === total) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    let sent = 0;
    for (const [index, [user, { id, variant }]] of [...requestIds.entries()].entries()) {
      if (index % 2 === 1) continue;
      // Challenger answers get better scores in this scenario.
      const score = variant === 'challenger' ? 4 + (index % 3) * 0.5 : 3 + (index % 3) * 0.5;
      const response = await fetch(`${(instances[(index + 1) % 2] as Instance).url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ request_id: id, score, thumbs: score >= 4 ? 'up' : 'down' }),
      });
      expect(response.status, user).toBe(200);
      expect(await response.json()).toMatchObject({ experiment: 'model-swap', variant, recorded: true });
      sent++;
    }

    report = (await (await adminReport(instances[1] as Instance)).json()) as ExperimentReport;
    const incumbent = report.variants.find((variant) => variant.name === 'incumbent');
    const challenger = report.variants.find((variant) => variant.name === 'challenger');
    const challengers = users.filter((user) => expectedVariant(user) === 'challenger').length;
    expect(challenger).toMatchObject({ requests: challengers * 2 + 2, errors: 1, aborted: 0 });
    expect(incumbent).toMatchObject({ requests: (users.length - challengers) * 2, errors: 0 });
    expect(incumbent?.errorRate?.estimate).toBe(0);
    // The fake reports usage on every answer, the stream included.
    expect(challenger?.tokens.prompt).toBeGreaterThan(0);
    expect(challenger?.tokens.meanCompletion).toBeGreaterThan(0);
    expect(incumbent?.latencyMs?.p50).toBeGreaterThan(0);
    expect((incumbent?.feedback.count ?? 0) + (challenger?.feedback.count ?? 0)).toBe(sent);
    expect(challenger?.feedback.score?.mean).toBeGreaterThan(incumbent?.feedback.score?.mean ?? Number.POSITIVE_INFINITY);
    const comparison = report.comparisons[0];
    expect(comparison?.variant).toBe('challenger');
    expect(comparison?.score?.difference.estimate).toBeCloseTo(1, 1);
    expect(comparison?.score?.pValue).toBeLessThan(0.001);
    expect(comparison?.thumbsUp?.pValue).toBeLessThan(0.001);
    // The verdict itself is not asserted: the latency criterion compares a few milliseconds of local noise.
    expect(report.verdict.reason).toMatch(/challenger/);

    const text = await (await adminReport(instances[0] as Instance, 'text')).text();
    expect(text).toBe(formatReport({ ...report, generatedAt: text.match(/generated (\S+)/)?.[1] ?? '' }));
  });
});
