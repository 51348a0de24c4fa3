import Anthropic from '@anthropic-ai/sdk';
import { createJsonLogger } from '@switchyard/core';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { gatewayFromConfig } from '../src/gateway-from-config.js';
import { parseConfig } from '../src/load-config.js';
import { type RunningServer, startServer } from '../src/start-server.js';

const adminKey = 'admin-0123456789abcdef';
const teamKey = 'team-red-key-0123456789abcdef';
let upstream: FakeOpenAI;
let server: RunningServer;
const logs: string[] = [];

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: 'sk-upstream-secret-000000000' });
  const config = parseConfig(
    {
      server: { logLevel: 'debug' },
      providers: { openai: { apiKey: 'sk-upstream-secret-000000000', baseURL: upstream.url, models: ['gpt-4o-mini'] } },
      models: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }] } },
      auth: {
        adminKey,
        cacheTtlMs: 0,
        keys: [{ id: 'red', name: 'Team red', team: 'red', key: teamKey, limits: { rpm: 4 }, models: ['chat', 'openai/*'] }],
      },
      cost: { budgets: { teams: { red: [{ window: 'day', usd: 5 }] } } },
      rateLimits: {},
    },
    {},
  );
  const gateway = gatewayFromConfig(config, {
    env: {},
    logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
  });
  server = await startServer({ gateway, port: 0 });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

function cli(...args: string[]) {
  let out = '';
  let err = '';
  const done = runCli([...args, '--url', server.url, '--admin-key', adminKey], {
    env: {},
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
  });
  return done.then((code) => ({ code, out, err }));
}

describe('governance through the standalone server, with the official SDKs', () => {
  it('authenticates both SDKs with a config key, applies its rate limit in each dialect and reports the spend', async () => {
    const openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: teamKey, maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: teamKey, maxRetries: 0 });

    const { data, response } = await openai.chat.completions
      .create({ model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hello');
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('4');
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('3');

    const message = await anthropic.messages.create({
      model: 'chat',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'echo: hi' });
    const stream = await openai.chat.completions.create({
      model: 'chat',
      stream: true,
      messages: [{ role: 'user', content: 'x y' }],
    });
    for await (const _chunk of stream) {
      // drain
    }
    await openai.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'four' }] });

    const limited = await openai.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'five' }] })
      .catch((error) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBeTruthy();
    const limitedAnthropic = await anthropic.messages
      .create({ model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'six' }] })
      .catch((error) => error);
    expect(limitedAnthropic).toBeInstanceOf(Anthropic.RateLimitError);
    expect(upstream.requests).toHaveLength(4);

    const spend = await cli('spend', '--group-by', 'team');
    expect(spend.code).toBe(0);
    const report = JSON.parse(spend.out) as { data: Array<{ group: string; requests: number; cost: number; errors: number }> };
    expect(report.data[0]).toMatchObject({ group: 'red', requests: 6, errors: 2 });
    expect(report.data[0]?.cost).toBeGreaterThan(0);
  });

  it('refuses missing and wrong keys with the SDKs’ authentication errors', async () => {
    const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong-0000000000000', maxRetries: 0 });
    await expect(
      wrong.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: 'sk-wrong-0000000000000', maxRetries: 0 });
    await expect(
      anthropic.messages.create({ model: 'chat', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(upstream.requests).toHaveLength(0);
  });

  it('issues, uses, rotates and revokes a key with the CLI', async () => {
    const created = await cli('keys', 'create', '--name', 'ci-bot', '--team', 'blue', '--rpm', '100', '--budget-day', '1');
    expect(created.err).toBe('');
    const { key, record } = JSON.parse(created.out) as { key: string; record: { id: string; limits: { rpm: number } } };
    expect(record.limits.rpm).toBe(100);

    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

    const listed = await cli('keys', 'list');
    expect(listed.out).toContain(record.id);
    expect(listed.out).not.toContain(key);

    const rotated = await cli('keys', 'rotate', record.id);
    const newKey = (JSON.parse(rotated.out) as { key: string }).key;
    await expect(
      client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const renewed = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: newKey, maxRetries: 0 });
    await renewed.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

    expect((await cli('keys', 'revoke', record.id)).code).toBe(0);
    await expect(
      renewed.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toMatchObject({
      status: 401,
      code: 'key_revoked',
    });
    expect((await cli('keys', 'revoke', 'nosuchkey')).err).toContain('404');

    const everything = logs.join('\n');
    for (const secret of [key, newKey, teamKey, adminKey, 'sk-upstream-secret-000000000'])
      expect(everything).not.toContain(secret);
  });

  it('prints the hash form of a key for the config file', async () => {
    const hashed = await cli('keys', 'hash', 'some-key-material');
    expect(hashed.out).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });
});
