import { createGateway, silentLogger } from '@switchyard/core';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { startFakeOpenAI } from '@switchyard/testkit';
import { expect, it } from 'vitest';
import { createRouter } from './create-router.js';

it('fails over from a failing primary to the fallback', async () => {
  const primary = await startFakeOpenAI();
  const backup = await startFakeOpenAI();
  const providers = [
    createOpenAICompatibleProvider({ id: 'primary', baseURL: primary.url }),
    createOpenAICompatibleProvider({ id: 'backup', baseURL: backup.url }),
  ];
  const router = createRouter({
    aliases: {
      smart: {
        targets: [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-mini' }],
        retry: { maxRetries: 1, baseDelayMs: 1 },
      },
    },
    providers,
  });
  const gateway = createGateway({
    providers,
    middleware: [router.middleware],
    interceptors: [router.interceptor],
    logger: silentLogger,
  });
  primary.script({ kind: 'error', status: 503, message: 'down' }, { kind: 'error', status: 503, message: 'down' });
  const response = await gateway.fetch(
    new Request('http://local/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }),
    }),
  );
  expect(response.status).toBe(200);
  expect(response.headers.get('x-switchyard-deployment')).toBe('backup/gpt-4o-mini');
  expect(response.headers.get('x-switchyard-attempts')).toBe('3');
  expect(response.headers.get('x-switchyard-fallback')).toBe('true');
  expect(primary.requests).toHaveLength(2);
  expect(backup.requests).toHaveLength(1);
  await gateway.close();
  await primary.close();
  await backup.close();
});
