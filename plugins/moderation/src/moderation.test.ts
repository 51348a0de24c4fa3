import { createGateway, silentLogger } from '@switchyard/core';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { moderation } from './moderation.js';
import { createRulesCheck } from './rules-check.js';

let upstream: FakeOpenAI;
let provider: ReturnType<typeof createOpenAICompatibleProvider>;
const rules = createRulesCheck({ deny: ['forbidden'] });

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  provider = createOpenAICompatibleProvider({ id: 'openai', baseURL: upstream.url });
});
afterAll(async () => {
  await provider.close?.();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function gatewayWith(options: Omit<Parameters<typeof moderation>[0], 'checks'>) {
  return createGateway({
    providers: [provider],
    middleware: [moderation({ checks: [rules], ...options })],
    logger: silentLogger,
  });
}

function chat(gateway: ReturnType<typeof gatewayWith>, messages: unknown[]) {
  return gateway.fetch(
    new Request('http://gateway.test/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages }),
    }),
  );
}

describe('moderation() options', () => {
  it('with input off, sends a flagged request upstream and refuses only the reply', async () => {
    const response = await chat(gatewayWith({ input: false, refusal: 'No.' }), [{ role: 'user', content: 'forbidden' }]);
    expect(upstream.requests).toHaveLength(1);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe('No.');
  });

  it('with output off, lets a flagged reply through', async () => {
    const gateway = gatewayWith({ input: { roles: ['system'] }, output: false });
    const response = await chat(gateway, [{ role: 'user', content: 'forbidden' }]);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toBe('echo: forbidden');
  });

  it('checks only the configured roles', async () => {
    const gateway = gatewayWith({ input: { roles: ['system'] }, output: false });
    const refused = await chat(gateway, [
      { role: 'system', content: 'forbidden' },
      { role: 'user', content: 'hi' },
    ]);
    expect(refused.status).toBe(400);
    expect(upstream.requests).toHaveLength(0);
  });

  it('leaves embeddings alone', async () => {
    const response = await gatewayWith({}).fetch(
      new Request('http://gateway.test/v1/embeddings', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'forbidden' }),
      }),
    );
    expect(response.status).toBe(200);
  });

  it('serves /v1/moderations only when the endpoint is on', async () => {
    const request = () =>
      new Request('http://gateway.test/v1/moderations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/omni-moderation-latest', input: 'kill' }),
      });
    expect((await gatewayWith({}).fetch(request())).status).toBe(200);
    expect((await gatewayWith({ endpoint: false }).fetch(request())).status).toBe(404);
  });

  it('validates the hold-back options at construction', () => {
    expect(() => moderation({ checks: [rules], output: { holdBackChars: -1 } })).toThrow(/holdBackChars/);
    expect(() => moderation({ checks: [rules], output: { windowChars: 0 } })).toThrow(/windowChars/);
  });
});
