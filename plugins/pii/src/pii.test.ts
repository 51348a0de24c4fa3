import { createGateway, type Middleware, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { JsonPayload } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { pii } from './pii.js';

function post(body: unknown, path = '/v1/chat/completions'): Request {
  return new Request(`http://gateway${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('the pii middleware', () => {
  it('restores a result answered by an inner layer (a cache hit), and never calls it for a blocked request', async () => {
    const seen: string[] = [];
    const cacheLike: Middleware = {
      name: 'cache-like',
      async handle(context) {
        if (context.operation !== 'chat') return;
        seen.push(String(context.request.messages[0]?.content));
        context.result = {
          type: 'completion',
          source: 'cache',
          body: JsonPayload.fromValue({
            id: 'chatcmpl-cached',
            object: 'chat.completion' as const,
            created: 1,
            model: 'cached',
            choices: [
              { index: 0, finish_reason: 'stop' as const, message: { role: 'assistant' as const, content: 'Hi <EMAIL_1>' } },
            ],
          }),
        };
      },
    };
    const gateway = createGateway({
      providers: [createMockProvider()],
      middleware: [pii({ detectors: { iban: 'block' } }), cacheLike],
      logger: silentLogger,
    });
    const response = await gateway.fetch(
      post({ model: 'mock/echo', messages: [{ role: 'user', content: 'I am a@example.com' }] }),
    );
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(
      'Hi a@example.com',
    );
    expect(seen).toEqual(['I am <EMAIL_1>']);

    const blocked = await gateway.fetch(
      post({ model: 'mock/echo', messages: [{ role: 'user', content: 'IBAN GB82WEST12345698765432' }] }),
    );
    expect(blocked.status).toBe(400);
    const error = (await blocked.json()) as { error: { code: string; message: string } };
    expect(error.error.code).toBe('pii_blocked');
    expect(error.error.message).toContain('IBAN');
    expect(error.error.message).not.toContain('GB82');
    expect(seen).toHaveLength(1);
    await gateway.close();
  });

  it('restores placeholders written with JSON escapes (\\u003c) by the upstream', async () => {
    const escaped: Middleware = {
      name: 'escaped',
      async handle(context) {
        context.result = {
          type: 'completion',
          source: 'provider',
          body: JsonPayload.fromText(
            '{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"To \\u003cEMAIL_1\\u003e"}}]}',
          ),
        };
      },
    };
    const gateway = createGateway({ providers: [createMockProvider()], middleware: [pii(), escaped], logger: silentLogger });
    const response = await gateway.fetch(post({ model: 'mock/echo', messages: [{ role: 'user', content: 'b@example.org' }] }));
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe(
      'To b@example.org',
    );
    await gateway.close();
  });

  it('leaves embeddings requests alone and turns detectors off on request', async () => {
    const requests: unknown[] = [];
    const recorder: Middleware = {
      name: 'recorder',
      async handle(context, next) {
        requests.push(context.request);
        await next();
      },
    };
    const gateway = createGateway({
      providers: [createMockProvider()],
      middleware: [pii({ detectors: { email: 'off' } }), recorder],
      logger: silentLogger,
    });
    await gateway.fetch(post({ model: 'mock/echo', messages: [{ role: 'user', content: 'a@example.com 10.1.2.3' }] }));
    expect(requests[0]).toMatchObject({ messages: [{ role: 'user', content: 'a@example.com <IP_1>' }] });
    await gateway.fetch(post({ model: 'mock/embed', input: 'a@example.com 10.1.2.3' }, '/v1/embeddings'));
    expect(requests[1]).toMatchObject({ input: 'a@example.com 10.1.2.3' });
    await gateway.close();
  });
});
