import {
  createGateway,
  createJsonLogger,
  createMemoryStore,
  type Gateway,
  type Middleware,
  type Principal,
  type Store,
} from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { GatewayError } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthOptions, auth } from '../src/index.js';

const adminKey = 'admin-key-0123456789abcdef';
const configKey = 'team-a-config-key-0123456789';
const logLines: string[] = [];
const gateways: Gateway[] = [];
afterEach(async () => {
  logLines.length = 0;
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

function setup(options: AuthOptions = {}) {
  const seen: Array<Principal | undefined> = [];
  const capture: Middleware = {
    name: 'capture',
    async handle(context, next) {
      seen.push(context.state.principal);
      await next();
    },
  };
  const authMiddleware = auth({
    store: createMemoryStore(),
    adminKey,
    cacheTtlMs: 0,
    keys: [{ id: 'team-a', name: 'Team A', team: 'a', key: configKey, models: ['mock/*'] }],
    ...options,
  });
  const gateway = createGateway({
    providers: [createMockProvider()],
    middleware: [authMiddleware, capture],
    logger: createJsonLogger({ level: 'debug', write: (line) => logLines.push(line) }),
  });
  gateways.push(gateway);
  return { gateway, seen, authMiddleware };
}

function chat(gateway: Gateway, headers: Record<string, string>, body: Record<string, unknown> = {}) {
  return gateway.fetch(
    new Request('http://gw.test/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...body }),
    }),
  );
}

function admin(gateway: Gateway, method: string, path: string, body?: unknown, key = adminKey) {
  return gateway.fetch(
    new Request(`http://gw.test${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe('auth with config keys', () => {
  it('refuses a request without a key with 401 in the client dialect', async () => {
    const { gateway } = setup();
    expect(await errorOf(await chat(gateway, {}))).toMatchObject({ status: 401, code: 'missing_api_key' });

    const anthropic = await gateway.fetch(
      new Request('http://gw.test/v1/messages', {
        method: 'POST',
        body: JSON.stringify({ model: 'mock/echo', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      }),
    );
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('accepts the key as Bearer, x-api-key or x-goog-api-key and names the caller for later middleware', async () => {
    const { gateway, seen } = setup();
    const sent: Array<Record<string, string>> = [
      { authorization: `Bearer ${configKey}` },
      { 'x-api-key': configKey },
      { 'x-goog-api-key': configKey },
    ];
    for (const headers of sent) {
      expect((await chat(gateway, headers)).status).toBe(200);
    }
    expect(seen).toHaveLength(3);
    expect(seen[0]).toMatchObject({ keyId: 'team-a', team: 'a', name: 'Team A' });
  });

  it('refuses a wrong key without echoing it, and a model outside the key list with 403', async () => {
    const { gateway } = setup();
    const wrong = await errorOf(await chat(gateway, { authorization: 'Bearer sk-not-a-real-key-123456' }));
    expect(wrong).toMatchObject({ status: 401, code: 'invalid_api_key' });
    expect(wrong.message).not.toContain('sk-not-a-real-key-123456');

    const denied = await errorOf(await chat(gateway, { authorization: `Bearer ${configKey}` }, { model: 'gpt-4o' }));
    expect(denied).toMatchObject({ status: 403, code: 'model_not_allowed' });
  });

  it('lets anonymous requests through when keys are optional, but still checks keys that are sent', async () => {
    const { gateway, seen } = setup({ required: false });
    expect((await chat(gateway, {})).status).toBe(200);
    expect(seen).toEqual([undefined]);
    expect((await chat(gateway, { authorization: 'Bearer nope-nope-nope-nope' })).status).toBe(401);
  });

  it('accepts a config key given by its hash', async () => {
    const { hashKey } = await import('../src/index.js');
    const { gateway } = setup({ keys: [{ name: 'hashed', hash: hashKey('hashed-key-material-123') }] });
    expect((await chat(gateway, { 'x-api-key': 'hashed-key-material-123' })).status).toBe(200);
  });
});

describe('keys issued through the admin API', () => {
  it('creates a key shown once, authenticates with it, and never lists its hash', async () => {
    const { gateway, seen } = setup();
    const created = await admin(gateway, 'POST', '/admin/keys', { name: 'ci', team: 'b', limits: { rpm: 10 } });
    expect(created.status).toBe(201);
    const { key, record } = (await created.json()) as { key: string; record: { id: string } };
    expect(key).toMatch(/^sy_[a-z0-9]{12}_[\w-]{43}$/);

    expect((await chat(gateway, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect(seen[0]).toMatchObject({ keyId: record.id, team: 'b', limits: { rpm: 10 } });

    const listed = await (await admin(gateway, 'GET', '/admin/keys')).text();
    expect(listed).toContain(record.id);
    expect(listed).toContain('team-a');
    expect(listed).not.toContain('sha256:');
    expect(listed).not.toContain(key);
    expect(logLines.join('\n')).not.toContain(key);
  });

  it('revokes, expires, rotates with a grace period and deletes', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const { gateway } = setup({ now: () => now });
    const { key, record } = (await (await admin(gateway, 'POST', '/admin/keys', { name: 'rot' })).json()) as {
      key: string;
      record: { id: string };
    };

    const rotated = (await (await admin(gateway, 'POST', `/admin/keys/${record.id}/rotate`, { graceSeconds: 60 })).json()) as {
      key: string;
    };
    expect(rotated.key).not.toBe(key);
    expect((await chat(gateway, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await chat(gateway, { authorization: `Bearer ${rotated.key}` })).status).toBe(200);
    now += 61_000;
    expect(await errorOf(await chat(gateway, { authorization: `Bearer ${key}` }))).toMatchObject({ code: 'invalid_api_key' });
    expect((await chat(gateway, { authorization: `Bearer ${rotated.key}` })).status).toBe(200);

    await admin(gateway, 'PATCH', `/admin/keys/${record.id}`, { expiresAt: new Date(now + 1000).toISOString() });
    expect((await chat(gateway, { authorization: `Bearer ${rotated.key}` })).status).toBe(200);
    now += 2000;
    expect(await errorOf(await chat(gateway, { authorization: `Bearer ${rotated.key}` }))).toMatchObject({ code: 'key_expired' });

    await admin(gateway, 'PATCH', `/admin/keys/${record.id}`, { expiresAt: new Date(now + 3_600_000).toISOString() });
    expect((await admin(gateway, 'POST', `/admin/keys/${record.id}/revoke`)).status).toBe(200);
    expect(await errorOf(await chat(gateway, { authorization: `Bearer ${rotated.key}` }))).toMatchObject({ code: 'key_revoked' });

    expect((await admin(gateway, 'DELETE', `/admin/keys/${record.id}`)).status).toBe(200);
    expect(await errorOf(await chat(gateway, { authorization: `Bearer ${rotated.key}` }))).toMatchObject({
      code: 'invalid_api_key',
    });
    expect(await errorOf(await admin(gateway, 'GET', `/admin/keys/${record.id}`))).toMatchObject({
      status: 404,
      code: 'key_not_found',
    });
  });

  it('trusts a key it has seen for cacheTtlMs, so a revocation reaches every instance within that bound', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    const { gateway } = setup({ now: () => now, cacheTtlMs: 1000 });
    const { key, record } = (await (await admin(gateway, 'POST', '/admin/keys', { name: 'cached' })).json()) as {
      key: string;
      record: { id: string };
    };
    expect((await chat(gateway, { authorization: `Bearer ${key}` })).status).toBe(200);
    await admin(gateway, 'POST', `/admin/keys/${record.id}/revoke`);
    expect((await chat(gateway, { authorization: `Bearer ${key}` })).status).toBe(200);
    now += 1001;
    expect(await errorOf(await chat(gateway, { authorization: `Bearer ${key}` }))).toMatchObject({ code: 'key_revoked' });
  });

  it('guards the admin API with the admin key and validates bodies', async () => {
    const { gateway } = setup();
    expect(await errorOf(await admin(gateway, 'GET', '/admin/keys', undefined, configKey))).toMatchObject({
      status: 401,
      code: 'invalid_admin_key',
    });
    expect(await errorOf(await admin(gateway, 'POST', '/admin/keys', { name: 'x', limits: { rpm: -1 } }))).toMatchObject({
      status: 400,
      code: 'invalid_key_settings',
    });
    expect(await errorOf(await admin(gateway, 'PATCH', '/admin/keys/team-a', { name: 'y' }))).toMatchObject({
      status: 409,
      code: 'read_only_key',
    });
  });

  it('has no admin API without an admin key', async () => {
    const { gateway } = setup({ adminKey: undefined });
    expect((await admin(gateway, 'GET', '/admin/keys')).status).toBe(404);
  });
});

describe('when the key store fails', () => {
  const broken: Store = {
    ...createMemoryStore(),
    async get() {
      throw new GatewayError({ message: 'store down', kind: 'unavailable', status: 503, code: 'store_unavailable' });
    },
  };

  it('fails closed by default: 503 auth_unavailable, config keys still work', async () => {
    const { gateway, authMiddleware } = setup({ store: broken });
    expect(authMiddleware.name).toBe('auth');
    const failed = await errorOf(await chat(gateway, { authorization: 'Bearer sy_abcdefghijkl_secretsecretsecret' }));
    expect(failed).toMatchObject({ status: 503, code: 'auth_unavailable' });
    expect((await chat(gateway, { authorization: `Bearer ${configKey}` })).status).toBe(200);
  });

  it('fails open when configured, marking the response and the principal', async () => {
    const { gateway, seen } = setup({ store: broken, failMode: 'open' });
    const response = await chat(gateway, { authorization: 'Bearer sy_abcdefghijkl_secretsecretsecret' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-auth')).toBe('unverified');
    expect(seen[0]).toEqual({ keyId: 'unverified' });
    expect(logLines.join('\n')).not.toContain('secretsecretsecret');
  });
});
