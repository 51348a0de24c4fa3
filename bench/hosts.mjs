#!/usr/bin/env node
// Serves the gateway a config file describes from inside a host framework, for the adapter bench cases:
//   node bench/hosts.mjs --host express|fastify --config <file> --port <n>
// The gateway is mounted at the root so every arm sees the same paths; it prints the same
// `switchyard listening on <url>` line as `switchyard serve`.
import { parseArgs } from 'node:util';
import { createJsonLogger } from '@switchyard/core';
import { switchyard } from '@switchyard/express';
import { switchyardPlugin } from '@switchyard/fastify';
import { gatewayFromConfig, loadConfigFile } from '@switchyard/server';
import express from 'express';
import Fastify from 'fastify';

const { values } = parseArgs({ options: { host: { type: 'string' }, config: { type: 'string' }, port: { type: 'string' } } });
const config = await loadConfigFile(values.config, process.env);
const gateway = gatewayFromConfig(config, { logger: createJsonLogger({ level: config.server.logLevel }) });
const port = Number(values.port ?? 0);

let close;
if (values.host === 'express') {
  const app = express();
  app.use(switchyard(gateway));
  const server = await new Promise((resolve) => {
    const listening = app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  server.keepAliveTimeout = 65_000;
  close = () => new Promise((resolve) => server.close(resolve));
} else if (values.host === 'fastify') {
  const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
  await app.register(switchyardPlugin, { gateway });
  await app.listen({ port, host: '127.0.0.1' });
  close = () => app.close();
} else {
  throw new Error(`unknown host "${values.host}" (express | fastify)`);
}
console.log(`switchyard listening on http://127.0.0.1:${port} (host: ${values.host})`);

const stop = async () => {
  await close();
  await gateway.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
