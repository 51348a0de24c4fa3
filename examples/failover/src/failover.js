// @ts-check
import { fileURLToPath } from 'node:url';
import { loadConfigFile, loadGatewayFromConfig, startServer } from '@switchyard/server';

/** The offline config next to this folder: `assistant` = mock/error-503, then mock/echo. */
export const offlineConfigFile = fileURLToPath(new URL('../switchyard.yaml', import.meta.url));
/** The same alias over two OpenAI-compatible hosts named by environment variables. */
export const upstreamsConfigFile = fileURLToPath(new URL('../upstreams.yaml', import.meta.url));

/**
 * What `switchyard serve --config <file>` does: read and validate the YAML (with `${ENV}` interpolation),
 * build the gateway (providers, router, plugins), and serve it over HTTP.
 *
 * @param {{ configFile?: string; env?: Record<string, string | undefined>; port?: number; logger?: import('@switchyard/core').Logger }} [options]
 * @returns {Promise<import('@switchyard/server').RunningServer>}
 */
export async function startFailoverGateway({ configFile = offlineConfigFile, env = process.env, port = 0, logger } = {}) {
  const config = await loadConfigFile(configFile, env);
  const gateway = await loadGatewayFromConfig(config, { env, source: configFile, ...(logger ? { logger } : {}) });
  return startServer({ gateway, host: config.server.host, port });
}

/**
 * Sends one chat request to `assistant` and returns the answer with the router's headers.
 *
 * @param {string} url The server's origin.
 * @param {string} content
 */
export async function askAssistant(url, content) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'assistant', messages: [{ role: 'user', content }] }),
  });
  const body = await response.json();
  return {
    status: response.status,
    reply: response.ok ? body.choices?.[0]?.message?.content : body.error?.message,
    deployment: response.headers.get('x-switchyard-deployment'),
    attempts: response.headers.get('x-switchyard-attempts'),
    fallback: response.headers.get('x-switchyard-fallback'),
  };
}
