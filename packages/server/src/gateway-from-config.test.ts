import { silentLogger } from '@switchyard/core';
import { startFakeOpenAI } from '@switchyard/testkit';
import { expect, it } from 'vitest';
import { gatewayFromConfig } from './gateway-from-config.js';
import { parseConfig } from './load-config.js';

function chat(model: string) {
  return new Request('http://local/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
}

it('routes a configured alias through its fallback tree, with the routing defaults from the file', async () => {
  const upstream = await startFakeOpenAI();
  const config = parseConfig({
    providers: { primary: { baseURL: upstream.url, apiKey: 'sk-a' }, mock: {} },
    models: { smart: { strategy: 'fallback', targets: [{ model: 'primary/gpt-4o' }, { model: 'mock/echo' }] } },
    routing: { retry: { maxRetries: 0 } },
  });
  const gateway = gatewayFromConfig(config, { env: {}, logger: silentLogger });
  try {
    upstream.script({ kind: 'error', status: 503, message: 'overloaded' });
    const response = await gateway.fetch(chat('smart'));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('mock/echo');
    expect((await response.json()).choices[0].message.content).toBe('echo: hello');
    expect(upstream.requests).toHaveLength(1);

    const models = await (await gateway.fetch(new Request('http://local/v1/models'))).json();
    expect(models.data.map((entry: { id: string }) => entry.id)).toContain('smart');
  } finally {
    await gateway.close();
    await upstream.close();
  }
});

it('adds configured query parameters to upstream calls (Azure-style endpoints)', async () => {
  const upstream = await startFakeOpenAI();
  const config = parseConfig({
    providers: { azure: { baseURL: upstream.url, headers: { 'api-key': 'azure-key' }, query: { 'api-version': '2024-10-21' } } },
  });
  const gateway = gatewayFromConfig(config, { env: {}, logger: silentLogger });
  try {
    upstream.script({ kind: 'json', body: { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [] } });
    expect((await gateway.fetch(chat('azure/gpt-4o'))).status).toBe(200);
    expect(upstream.lastRequest()?.path).toBe('/v1/chat/completions?api-version=2024-10-21');
    expect(upstream.lastRequest()?.headers['api-key']).toBe('azure-key');
  } finally {
    await gateway.close();
    await upstream.close();
  }
});
