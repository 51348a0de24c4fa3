import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGateway, type Gateway, silentLogger } from '@switchyard/core';
import { switchyard } from '@switchyard/express';
import { createOpenAIProvider } from '@switchyard/provider-openai';
import { startServer } from '@switchyard/server';
import express from 'express';
import { type AdapterConformanceSetup, defineAdapterConformance } from './index.js';

/** The gateway every host serves: one OpenAI provider at the fake upstream, the suite's body limit. */
function conformanceGateway({ upstreamUrl, upstreamApiKey, maxBodyBytes }: AdapterConformanceSetup): Gateway {
  return createGateway({
    providers: [createOpenAIProvider({ baseURL: upstreamUrl, apiKey: upstreamApiKey })],
    maxBodyBytes,
    logger: silentLogger,
  });
}

defineAdapterConformance({
  name: 'standalone server (@switchyard/server startServer)',
  createGateway: conformanceGateway,
  async start(gateway) {
    const running = await startServer({ gateway, host: '127.0.0.1', port: 0 });
    return { url: running.url, close: () => running.close({ graceMs: 100 }) };
  },
});

defineAdapterConformance({
  name: 'Express 5 (@switchyard/express mounted at /ai)',
  createGateway: conformanceGateway,
  async start(gateway) {
    const app = express();
    app.get('/health', (_request, response) => {
      response.json({ status: 'ok' });
    });
    app.use('/ai', switchyard(gateway));
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/ai`,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await gateway.close();
      },
    };
  },
});
