// @ts-check
import {
  defaultAdminKey,
  defaultAppKey,
  fetchReport,
  sendFeedback,
  sendTraffic,
  simulatedFeedback,
  startExperimentGateway,
} from './ab.js';

const server = await startExperimentGateway({ port: Number(process.env.PORT ?? 8787) });
const adminKey = process.env.ADMIN_KEY ?? defaultAdminKey;
const apiKey = process.env.APP_KEY ?? defaultAppKey;

// 40 users, two questions each: every user sticks to one variant.
const users = Array.from({ length: 40 }, (_, index) => `user-${index + 1}`);
const answers = await sendTraffic(server.url, { users, rounds: 2, apiKey });
const first = answers[0];
if (first) console.log(`${first.user} got variant "${first.variant}": ${first.reply}`);

// Feedback for every answer, as the app would send it when a user rates a reply.
for (const [index, answer] of answers.entries())
  await sendFeedback(server.url, answer.requestId, simulatedFeedback(answer, index), apiKey);

// Counts are written just after each response; give the last ones a moment.
await new Promise((resolve) => setTimeout(resolve, 100));
console.log(await fetchReport(server.url, { adminKey, format: 'text' }));
console.log(
  `Gateway still serving on ${server.url}/v1 (the report: GET /admin/experiments/concise-prompt/report?format=text). Ctrl+C stops it.`,
);

async function shutdown() {
  await server.close({ graceMs: 2000 });
  process.exit(0);
}
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
