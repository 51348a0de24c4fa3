// @ts-check
import { askAssistant, offlineConfigFile, startFailoverGateway } from './failover.js';

const configFile = process.env.SWITCHYARD_CONFIG ?? offlineConfigFile;
const server = await startFailoverGateway({ configFile, port: Number(process.env.PORT ?? 8787) });
console.log(`Serving ${configFile} on ${server.url}/v1`);

const answer = await askAssistant(server.url, 'Are you there?');
console.log(
  `assistant -> ${answer.status} "${answer.reply}" from ${answer.deployment} ` +
    `(x-switchyard-attempts: ${answer.attempts}, x-switchyard-fallback: ${answer.fallback})`,
);

async function shutdown() {
  await server.close({ graceMs: 2000 });
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
