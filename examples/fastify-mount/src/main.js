// @ts-check
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const app = await createApp();

await app.listen({ port, host: process.env.HOST ?? '127.0.0.1' });
const address = app.server.address();
const actualPort = typeof address === 'object' && address !== null ? address.port : port;
console.log(`Fastify app on http://localhost:${actualPort} (GET /health, GET and POST /api/notes)`);
console.log(`OpenAI-compatible API on http://localhost:${actualPort}/llm/v1`);
if (!process.env.OPENAI_API_KEY) console.log('OPENAI_API_KEY is not set: only the mock/* models are served.');

/** Fastify's close() stops accepting, lets open requests finish, then runs onClose hooks (the gateway's). */
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    app.close().then(() => process.exit(0));
  });
}
