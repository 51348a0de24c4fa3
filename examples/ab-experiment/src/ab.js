// @ts-check
import { fileURLToPath } from 'node:url';
import { loadConfigFile, loadGatewayFromConfig, startServer } from '@switchyard/server';
import OpenAI from 'openai';

export const configFile = fileURLToPath(new URL('../switchyard.yaml', import.meta.url));
export const experimentName = 'concise-prompt';
/** The keys `switchyard.yaml` falls back to when `ADMIN_KEY` and `APP_KEY` are unset. */
export const defaultAdminKey = 'admin-example-0123456789';
export const defaultAppKey = 'app-example-key-0123456789';

/**
 * Serves `switchyard.yaml` the way `switchyard serve --config` does.
 *
 * @param {{ env?: Record<string, string | undefined>; port?: number; logger?: import('@switchyard/core').Logger }} [options]
 */
export async function startExperimentGateway({ env = process.env, port = 0, logger } = {}) {
  const config = await loadConfigFile(configFile, env);
  const gateway = await loadGatewayFromConfig(config, { env, source: configFile, ...(logger ? { logger } : {}) });
  return startServer({ gateway, host: config.server.host, port });
}

/**
 * @typedef {object} Answer
 * @property {string} user
 * @property {string} variant From `x-switchyard-experiment: concise-prompt; variant=<name>`.
 * @property {string} requestId The answer's `x-request-id`, which feedback refers to.
 * @property {string} reply
 */

/**
 * Sends `rounds` chat requests for each of `users` to the alias `assistant` with the openai SDK.
 *
 * @param {string} url The gateway's origin.
 * @param {{ users: string[]; rounds?: number; apiKey?: string }} traffic `apiKey`: the app's gateway key.
 * @returns {Promise<Answer[]>}
 */
export async function sendTraffic(url, { users, rounds = 1, apiKey = defaultAppKey }) {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
  /** @type {Answer[]} */
  const answers = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const user of users) {
      const { data, response } = await client.chat.completions
        .create({ model: 'assistant', user, messages: [{ role: 'user', content: `question ${round + 1} from ${user}` }] })
        .withResponse();
      const marker = response.headers.get('x-switchyard-experiment') ?? '';
      answers.push({
        user,
        variant: /variant=([\w.-]+)/.exec(marker)?.[1] ?? '',
        requestId: response.headers.get('x-request-id') ?? '',
        reply: data.choices[0]?.message.content ?? '',
      });
    }
  }
  return answers;
}

/**
 * The simulated users' opinion: they like concise answers better (scores 4–5, mostly thumbs up) than
 * the baseline (scores 3–4, thumbs up one time in three). A real app sends what its users click.
 *
 * @param {Answer} answer
 * @param {number} index The answer's position, to vary the ratings deterministically.
 * @returns {{ score: number; thumbs: 'up' | 'down' }}
 */
export function simulatedFeedback(answer, index) {
  return answer.variant === 'concise'
    ? { score: 4 + (index % 2), thumbs: index % 5 === 0 ? 'down' : 'up' }
    : { score: 3 + (index % 2), thumbs: index % 3 === 0 ? 'up' : 'down' };
}

/**
 * `POST /v1/feedback` for one answer, keyed by its request id.
 *
 * @param {string} url
 * @param {string} requestId
 * @param {{ score?: number; thumbs?: 'up' | 'down'; comment?: string }} feedback
 * @param {string} [apiKey] The app's gateway key.
 * @returns {Promise<{ status: number; body: unknown }>}
 */
export async function sendFeedback(url, requestId, feedback, apiKey = defaultAppKey) {
  const response = await fetch(`${url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ request_id: requestId, ...feedback }),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * The readout from the admin API: JSON (`format: 'json'`) or the text table (`format: 'text'`, what
 * `formatReport` from `@switchyard/experiments` prints).
 *
 * @param {string} url
 * @param {{ adminKey: string; format?: 'json' | 'text' }} options
 */
export async function fetchReport(url, { adminKey, format = 'json' }) {
  const response = await fetch(`${url}/admin/experiments/${experimentName}/report${format === 'text' ? '?format=text' : ''}`, {
    headers: { authorization: `Bearer ${adminKey}` },
  });
  if (!response.ok) throw new Error(`report: HTTP ${response.status}`);
  return format === 'text' ? response.text() : response.json();
}
