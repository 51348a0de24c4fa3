// The worked example from the README, run as written (offline, against the mock provider's echo model).
import { createGateway, type Middleware, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { expect, it } from 'vitest';
import { pii } from '../src/index.js';

it('masks before the provider and restores in the reply, streamed and not', async () => {
  const seenByProvider: string[] = [];
  /** Sits between pii and the provider and records the request as the provider gets it. */
  const recorder: Middleware = {
    name: 'recorder',
    async handle(context, next) {
      if (context.operation === 'chat') seenByProvider.push(JSON.stringify(context.request.messages));
      await next();
    },
  };
  const gateway = createGateway({
    providers: [createMockProvider()],
    middleware: [pii({ detectors: { card: { action: 'redact', keepLast: 4 } } }), recorder],
    logger: silentLogger,
  });
  const content = 'Email jane@example.com about card 4111 1111 1111 1111.';
  const response = await gateway.fetch(
    new Request('http://gateway/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content }] }),
    }),
  );
  const completion = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  expect(seenByProvider[0]).toBe(JSON.stringify([{ role: 'user', content: 'Email <EMAIL_1> about card ***************1111.' }]));
  expect(completion.choices[0]?.message.content).toBe('echo: Email jane@example.com about card ***************1111.');

  const streamed = await gateway.fetch(
    new Request('http://gateway/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', stream: true, messages: [{ role: 'user', content }] }),
    }),
  );
  const text = (await streamed.text())
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map(
      (line) =>
        (JSON.parse(line.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '',
    )
    .join('');
  expect(text).toBe('echo: Email jane@example.com about card ***************1111.');
  await gateway.close();
});
