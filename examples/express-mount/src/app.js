// @ts-check
import { createGateway } from '@switchyard/core';
import { switchyard } from '@switchyard/express';
import { createMockProvider } from '@switchyard/provider-mock';
import { openAIProviderFromEnv } from '@switchyard/provider-openai';
import express from 'express';

/**
 * @typedef {object} CreateAppOptions
 * @property {Readonly<Record<string, string | undefined>>} [env] Where `OPENAI_API_KEY` and friends are read (defaults to `process.env`).
 * @property {import('@switchyard/core').Logger} [logger] The gateway's logger (defaults to JSON lines on stdout).
 */

/**
 * @typedef {object} Note
 * @property {number} id
 * @property {string} text
 */

/**
 * The gateway: the offline mock provider (`mock/echo`, ...) always, OpenAI (`openai/gpt-4o-mini`, ...)
 * only when `OPENAI_API_KEY` is set.
 *
 * @param {CreateAppOptions} [options]
 * @returns {import('@switchyard/core').Gateway}
 */
export function createAppGateway({ env = process.env, logger } = {}) {
  const openAI = openAIProviderFromEnv(env);
  const providers = openAI ? [createMockProvider(), openAI] : [createMockProvider()];
  return createGateway({ providers, logger });
}

/**
 * An app that existed before the gateway (a health check and a small notes API), with the gateway
 * mounted at `/ai`: OpenAI clients use `http://host/ai/v1` as their base URL.
 *
 * @param {CreateAppOptions} [options]
 * @returns {{ app: import('express').Express, gateway: import('@switchyard/core').Gateway }}
 */
export function createApp(options = {}) {
  const gateway = createAppGateway(options);
  /** @type {Note[]} */
  const notes = [];

  const app = express();
  app.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/api/notes', (_request, response) => {
    response.json(notes);
  });
  // The JSON parser is scoped to the app's own route: the gateway reads its own bodies (5 MB limit,
  // errors in OpenAI's shape) instead of inheriting express.json()'s 100 kb default.
  app.post('/api/notes', express.json(), (request, response) => {
    const text = request.body?.text;
    if (typeof text !== 'string' || text.length === 0) {
      response.status(400).json({ error: '`text` must be a non-empty string.' });
      return;
    }
    const note = { id: notes.length + 1, text };
    notes.push(note);
    response.status(201).json(note);
  });

  app.use('/ai', switchyard(gateway));
  return { app, gateway };
}
