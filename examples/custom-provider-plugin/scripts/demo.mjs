// @ts-check
// Runs the example offline: a fake OpenAI-compatible server plays the Nimbus host, and the gateway
// serves switchyard.yaml (which loads the plugin from ./dist) exactly as `switchyard serve` would.
import { loadConfigFile, loadGatewayFromConfig, startServer } from '@switchyard/server';
import { startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';

const nimbusKey = 'nb-demo-0123456789abcdef';
const nimbus = await startFakeOpenAI({ apiKey: nimbusKey, models: ['nimbus-large', 'nimbus-small'] });
const env = { ...process.env, NIMBUS_API_KEY: nimbusKey, NIMBUS_BASE_URL: nimbus.url };

const config = await loadConfigFile('switchyard.yaml', env);
const gateway = await loadGatewayFromConfig(config, { env, source: 'switchyard.yaml' });
const server = await startServer({ gateway, host: config.server.host, port: Number(process.env.PORT ?? 8787) });

const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused' });
const { data, response } = await client.chat.completions
  .create({ model: 'assistant', max_completion_tokens: 50, messages: [{ role: 'user', content: 'Hello, Nimbus!' }] })
  .withResponse();
const sent = /** @type {Record<string, unknown>} */ (nimbus.lastRequest()?.body);
console.log(`assistant -> "${data.choices[0]?.message.content}" from ${response.headers.get('x-switchyard-deployment')}`);
console.log(
  `Nimbus received model=${sent.model}, max_tokens=${sent.max_tokens}, region=${nimbus.lastRequest()?.headers['x-nimbus-region']}`,
);
console.log(`Gateway on ${server.url}/v1 (models nimbus/nimbus-large, nimbus/nimbus-small, assistant); Ctrl+C stops it.`);

async function shutdown() {
  await server.close({ graceMs: 2000 });
  await nimbus.close();
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
