// @ts-check
import { createJsonLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { openAIProviderFromEnv } from '@switchyard/provider-openai';
import { startServer } from '@switchyard/server';
import { askWithoutHttp, createPipelineGateway, exampleKeys } from './pipeline.js';

const openAI = openAIProviderFromEnv();
const { gateway, attemptCounter } = createPipelineGateway({
  providers: openAI ? [createMockProvider(), openAI] : [createMockProvider()],
  logger: createJsonLogger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info' }),
});

// 1. Programmatic use: no server, no port.
const answer = await askWithoutHttp(gateway, { model: 'mock/echo', content: 'Hello, pipeline!', temperature: 1.6 });
console.log(`gateway.fetch -> ${answer.status}, x-pipeline: ${answer.pipelineHeader}, reply: ${answer.reply}`);
const viaAlias = await askWithoutHttp(gateway, { model: 'assistant', content: 'Mail me at ana@example.com' });
console.log(`assistant (fallback to mock/echo, e-mail masked upstream and restored) -> ${viaAlias.status}: ${viaAlias.reply}`);
const flagged = await askWithoutHttp(gateway, { model: 'assistant', content: 'What are the launch codes?' });
console.log(`a deny-listed prompt -> ${flagged.status}: ${flagged.reply}`);
const overBudget = await askWithoutHttp(gateway, { model: 'mock/echo', content: 'hi', apiKey: exampleKeys.intern });
console.log(`the intern key (budget $0.0001/day) -> ${overBudget.status}: ${overBudget.reply}`);
console.log('upstream attempts so far:', attemptCounter.snapshot());

// 2. The same gateway over HTTP.
const server = await startServer({ gateway, port: Number(process.env.PORT ?? 8787) });
console.log(`OpenAI-compatible API on ${server.url}/v1 (gateway key: ${exampleKeys.app}; admin key: ${exampleKeys.admin})`);

/** Stops the server (letting open requests finish), closes the gateway and prints the attempt count. */
async function shutdown() {
  await server.close({ graceMs: 2000 });
  console.log('upstream attempts:', attemptCounter.snapshot());
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
