// @ts-check
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const { app, gateway } = createApp();

const server = app.listen(port, (error) => {
  if (error) throw error;
  const address = server.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  console.log(`Express app on http://localhost:${actualPort} (GET /health, GET and POST /api/notes)`);
  console.log(`OpenAI-compatible API on http://localhost:${actualPort}/ai/v1`);
  if (!process.env.OPENAI_API_KEY) console.log('OPENAI_API_KEY is not set: only the mock/* models are served.');
});

/** Stops accepting connections, then releases the gateway's upstream connection pools. */
function shutdown() {
  server.close(() => {
    gateway.close().then(() => process.exit(0));
  });
  server.closeIdleConnections();
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
