// @ts-check
import { switchyardPlugin } from '@switchyard/fastify';
import { createMockProvider } from '@switchyard/provider-mock';
import { openAIProviderFromEnv } from '@switchyard/provider-openai';
import Fastify from 'fastify';

/**
 * @typedef {object} CreateAppOptions
 * @property {Readonly<Record<string, string | undefined>>} [env] Where `OPENAI_API_KEY` and friends are read (defaults to `process.env`).
 * @property {import('fastify').FastifyServerOptions['logger']} [logger] Fastify's logger option (the gateway logs through it too).
 */

/**
 * @typedef {object} Note
 * @property {number} id
 * @property {string} text
 */

/**
 * An app that existed before the gateway (a health check and a small notes API), with the gateway
 * registered under `/llm`: OpenAI clients use `http://host/llm/v1` as their base URL.
 *
 * The plugin creates the gateway from `gatewayOptions`, so it owns it: the gateway logs through Fastify's
 * logger, and `app.close()` closes it. The offline mock provider (`mock/echo`, ...) is always there,
 * OpenAI (`openai/gpt-4o-mini`, ...) only when `OPENAI_API_KEY` is set.
 *
 * @param {CreateAppOptions} [options]
 */
export async function createApp({ env = process.env, logger = true } = {}) {
  const app = Fastify({ logger });
  /** @type {Note[]} */
  const notes = [];

  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/api/notes', async () => notes);
  app.post(
    '/api/notes',
    { schema: { body: { type: 'object', required: ['text'], properties: { text: { type: 'string', minLength: 1 } } } } },
    async (request, reply) => {
      const { text } = /** @type {{ text: string }} */ (request.body);
      const note = { id: notes.length + 1, text };
      notes.push(note);
      return reply.code(201).send(note);
    },
  );

  const openAI = openAIProviderFromEnv(env);
  await app.register(switchyardPlugin, {
    prefix: '/llm',
    gatewayOptions: { providers: openAI ? [createMockProvider(), openAI] : [createMockProvider()] },
  });
  return app;
}
