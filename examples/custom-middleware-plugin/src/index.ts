import { definePlugin, type Middleware, type ServiceHandler, type Store } from '@switchyard/core';
import { GatewayError } from '@switchyard/spec';
import { z } from 'zod';
import { promptWords } from './count-words.js';

export { promptWords } from './count-words.js';

/** The plugin's config section (validated at start, published as JSON Schema). */
export const configSchema = z.strictObject({
  /** Chat requests whose messages hold more words than this are refused with a 400. */
  maxWords: z.number().int().positive().default(300),
  /** The response header that reports the prompt's word count. */
  header: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'a lower-case header name')
    .default('x-prompt-words'),
});

export type PromptWordLimitConfig = z.infer<typeof configSchema>;

const name = '@switchyard/example-custom-middleware-plugin';
const allowedKey = 'prompt-word-limit:allowed';
const refusedKey = 'prompt-word-limit:refused';

/** The middleware: counts the prompt's words, refuses long prompts, reports the count in a header. */
export function promptWordLimit(config: PromptWordLimitConfig, store: Store): Middleware {
  return {
    name: 'prompt-word-limit',
    async handle(context, next) {
      if (context.operation !== 'chat') return next();
      const words = promptWords(context.request.messages);
      context.responseHeaders[config.header] = String(words);
      if (words > config.maxWords) {
        await store.increment(refusedKey);
        // The count and the limit only: never the prompt itself.
        throw new GatewayError({
          message: `The prompt has ${words} words; this gateway accepts at most ${config.maxWords}.`,
          kind: 'invalid_request',
          status: 400,
          code: 'prompt_too_long',
          param: 'messages',
        });
      }
      await store.increment(allowedKey);
      await next();
    },
  };
}

/** `GET /plugin/prompt-word-limit/stats`: how many chat requests were let through and refused. */
export function statsHandler(config: PromptWordLimitConfig, store: Store): ServiceHandler {
  return {
    method: 'GET',
    path: '/plugin/prompt-word-limit/stats',
    async handle() {
      const [allowed, refused] = await Promise.all([store.get(allowedKey), store.get(refusedKey)]);
      return { body: { maxWords: config.maxWords, allowed: Number(allowed ?? 0), refused: Number(refused ?? 0) } };
    },
  };
}

/** The plugin: the package's default export, what `plugins:` in a config file loads. */
export default definePlugin({
  name,
  version: '0.1.0',
  core: '^0.1.0',
  description: 'Refuses chat prompts over a word limit, reports the word count in a header, and serves counts.',
  configSchema,
  setup(config, { store, logger }) {
    logger.info('prompt word limit on', { plugin: name, maxWords: config.maxWords });
    return { middleware: [promptWordLimit(config, store)], handlers: [statsHandler(config, store)] };
  },
});
