/**
 * What the store tells the operator: connection state changes, once each, and never the password from
 * the URL; and what it tells callers: errors that name no host and no credential.
 */
import { startRedisServer } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { createRedisStore } from '../src/index.js';
import { eventually, recordingLogger, sleep, timed, trackUnhandledRejections } from './helpers.js';

const password = 'pw-9f8e7d6c5b4a';

describe('logging and error messages', () => {
  it('logs connected / disconnected / reconnected without the password, and errors name no host', async () => {
    const unhandled = trackUnhandledRejections();
    const server = await startRedisServer({ args: ['--requirepass', password] });
    const logger = recordingLogger();
    const url = `redis://default:${password}@127.0.0.1:${server.port}`;
    const store = createRedisStore({ url, commandTimeoutMs: 250, maxReconnectDelayMs: 100, logger });
    try {
      await store.set('k', 'v');
      await server.kill();
      const failures = await Promise.all(Array.from({ length: 5 }, () => timed(() => store.get('k'))));
      // Several reconnection attempts fail while it is down.
      await sleep(500);
      await server.restart();
      await eventually(() => store.set('k', 'again'));

      const messages = logger.entries.map((entry) => entry.message);
      expect(messages.filter((message) => message === 'redis store connected')).toHaveLength(1);
      expect(messages.filter((message) => message.startsWith('redis store disconnected'))).toHaveLength(1);
      expect(messages.filter((message) => message === 'redis store reconnected')).toHaveLength(1);
      // Repeated identical connection errors are not repeated at warn level.
      const warnedErrors = logger.entries.filter(
        (entry) => entry.level === 'warn' && entry.message === 'redis store connection error',
      );
      expect(new Set(warnedErrors.map((entry) => entry.fields?.reason)).size).toBe(warnedErrors.length);
      expect(logger.entries.find((entry) => entry.message === 'redis store connected')?.fields?.target).toBe(
        `redis://127.0.0.1:${server.port}`,
      );
      expect(logger.text()).not.toContain(password);

      for (const failure of failures) {
        expect(failure.code).toBe('store_unavailable');
        const error = failure.error as Error;
        expect(error.message).not.toContain(password);
        expect(error.message).not.toContain('127.0.0.1');
        expect(JSON.stringify(error)).not.toContain(password);
      }
    } finally {
      await store.close();
      await server.stop();
      unhandled.stop();
    }
    expect(unhandled.reasons).toEqual([]);
  });

  it('a wrong password fails calls with store_unavailable and is not logged', async () => {
    const server = await startRedisServer({ args: ['--requirepass', password] });
    const logger = recordingLogger();
    const wrong = 'wrong-secret-123456';
    const store = createRedisStore({ url: `redis://default:${wrong}@127.0.0.1:${server.port}`, commandTimeoutMs: 250, logger });
    try {
      const outcome = await timed(() => store.get('k'));
      expect(['store_unavailable', 'store_timeout']).toContain(outcome.code);
      expect(outcome.milliseconds).toBeLessThan(1_000);
      await sleep(100);
      expect(logger.text()).not.toContain(wrong);
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
