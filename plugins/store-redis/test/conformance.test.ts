import { type RedisServer, startRedisServer } from '@switchyard/testkit';
import { defineStoreConformance } from '@switchyard/testkit/conformance';
import { afterAll } from 'vitest';
import { createRedisStore } from '../src/index.js';

let server: RedisServer | undefined;
afterAll(async () => {
  await server?.stop();
});

defineStoreConformance('redis', async () => {
  server = await startRedisServer();
  // A generous timeout: 200 concurrent calls on a shared 2-core machine.
  return createRedisStore({ url: server.url, commandTimeoutMs: 2_000 });
});
