// Semantic lookup cost at 10,000 cached entries, beyond the embedding call.
// Run: pnpm --filter @switchyard/cache build && node plugins/cache/bench/semantic.mjs [--clustered] [dimensions...]
// `--clustered` gives every vector a shared component (pairwise cosine about 0.7, like older embedding
// models), which weakens the scan's early exit: the figure to quote as the harder case.
//
// It drives the cache middleware directly (no HTTP, no upstream): 10,000 misses fill one semantic
// partition (the worst case: every entry is a candidate), then near-duplicate requests are answered by
// semantic hits. The embeddings provider answers in process with precomputed vectors, and the time spent
// inside it is subtracted, so the figure is what the cache adds: key hashing, the Store reads, the exact
// cosine scan and the hit itself.
import { createMemoryStore, silentLogger } from '@switchyard/core';
import { JsonPayload } from '@switchyard/spec';
import { cache } from '../dist/index.js';

const entries = 10_000;
const rounds = 200;
const clustered = process.argv.includes('--clustered');
const dimensionsList = process.argv.slice(2).map(Number).filter(Boolean);
if (dimensionsList.length === 0) dimensionsList.push(1536, 512);

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648 - 0.5;
};

for (const dimensions of dimensionsList) {
  const vectors = new Map();
  const common = Array.from({ length: dimensions }, random);
  const scale = (values, factor) => {
    const norm = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0));
    return values.map((value) => (value / norm) * factor);
  };
  const randomVector = () => {
    const own = Array.from({ length: dimensions }, random);
    if (!clustered) return own;
    const shared = scale(common, Math.sqrt(0.7));
    return scale(own, Math.sqrt(0.3)).map((value, at) => value + shared[at]);
  };
  let embedMs = 0;
  const provider = {
    specificationVersion: 'v1',
    id: 'bench',
    chat: () => Promise.reject(new Error('not used')),
    streamChat: () => Promise.reject(new Error('not used')),
    async embed({ request }) {
      const started = performance.now();
      const embedding = vectors.get(request.input) ?? randomVector();
      const body = JsonPayload.fromValue({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding }],
        model: 'bench',
        usage: { prompt_tokens: 1, total_tokens: 1 },
      });
      embedMs += performance.now() - started;
      return { body, upstream: { status: 200 } };
    },
  };
  const middleware = cache({
    store: createMemoryStore({ maxEntries: 1_000_000 }),
    logger: silentLogger,
    models: ['*'],
    semantic: { embeddingModel: 'bench', provider, threshold: 0.9, maxEntries: entries },
  });

  const context = (text) => ({
    operation: 'chat',
    requestId: 'bench',
    startedAt: 0,
    dialect: 'openai',
    http: { method: 'POST', path: '/v1/chat/completions', headers: {}, ip: undefined },
    request: { model: 'bench/model', temperature: 0, messages: [{ role: 'user', content: text }] },
    responseHeaders: {},
    state: {},
    signal: new AbortController().signal,
    log: silentLogger,
    pending: [],
    waitUntil(promise) {
      this.pending.push(promise);
    },
    onFinish() {},
  });
  const answer = (id) =>
    async function next() {
      this.result = {
        type: 'completion',
        source: 'provider',
        providerId: 'bench',
        model: 'model',
        body: JsonPayload.fromValue({
          id,
          object: 'chat.completion',
          created: 0,
          model: 'model',
          choices: [{ index: 0, message: { role: 'assistant', content: `answer ${id}` }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
        }),
      };
    };

  const filled = performance.now();
  for (let entry = 0; entry < entries; entry++) {
    const text = `question ${entry}`;
    vectors.set(`user: ${text}`, randomVector());
    const requestContext = context(text);
    await middleware.handle(requestContext, answer(`c${entry}`).bind(requestContext));
    await Promise.all(requestContext.pending);
  }
  const fillSeconds = (performance.now() - filled) / 1000;

  const timings = [];
  let hits = 0;
  for (let round = 0; round < rounds; round++) {
    const target = vectors.get(`user: question ${(round * 37) % entries}`);
    const text = `near duplicate ${round}`;
    vectors.set(
      `user: ${text}`,
      target.map((value) => value + random() * 0.01),
    );
    const requestContext = context(text);
    embedMs = 0;
    const started = performance.now();
    await middleware.handle(requestContext, answer('miss').bind(requestContext));
    timings.push(performance.now() - started - embedMs);
    if (requestContext.state.cache?.status === 'semantic-hit') hits += 1;
  }
  timings.sort((left, right) => left - right);
  const at = (quantile) => timings[Math.min(timings.length - 1, Math.floor(quantile * timings.length))].toFixed(2);
  console.log(
    `semantic lookup${clustered ? ' (clustered)' : ''}, ${entries} entries x ${dimensions} dims: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms beyond the embedding call ` +
      `(${hits}/${rounds} semantic hits; filled in ${fillSeconds.toFixed(1)} s)`,
  );
}
