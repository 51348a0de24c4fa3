#!/usr/bin/env node
/**
 * Regenerates src/prices/snapshot.json from @pydantic/genai-prices (MIT, https://github.com/pydantic/genai-prices),
 * a maintained public price list. Run: `pnpm --filter @switchyard/cost update-prices`, review the diff, bump
 * the snapshot version, add a changeset. Only token prices are kept; conditional prices resolve to the entry
 * in force on the day the snapshot is taken.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { findProvider } from '@pydantic/genai-prices';

const manifest = new URL('../node_modules/@pydantic/genai-prices/package.json', import.meta.url);
const sourceVersion = JSON.parse(readFileSync(manifest, 'utf8')).version;
const today = new Date().toISOString().slice(0, 10);

/** Our provider ids (and the OpenAI-compatible presets) → genai-prices provider ids. */
const providers = {
  openai: 'openai',
  anthropic: 'anthropic',
  gemini: 'google',
  deepseek: 'deepseek',
  groq: 'groq',
  mistral: 'mistral',
  together: 'together',
  xai: 'x-ai',
  fireworks: 'fireworks',
  cohere: 'cohere',
};
const fields = [
  'input_mtok',
  'cache_read_mtok',
  'cache_write_mtok',
  'cache_write_1h_mtok',
  'output_mtok',
  'input_audio_mtok',
  'output_audio_mtok',
];

function inForce(prices) {
  if (!Array.isArray(prices)) return prices;
  let chosen = prices[0]?.prices;
  for (const entry of prices) {
    const start = entry.constraint?.type === 'start_date' ? entry.constraint.start_date : undefined;
    if (start === undefined || start <= today) chosen = entry.prices;
  }
  return chosen;
}

const snapshot = {
  version: today,
  source: '@pydantic/genai-prices',
  sourceVersion,
  sourceUrl: 'https://github.com/pydantic/genai-prices',
  license: 'MIT (c) Pydantic Services Inc.; prices are facts published by each provider',
  units: 'USD per million tokens; tiers apply to the whole request once its input tokens reach `start`',
  providers: {},
};
for (const [ours, theirs] of Object.entries(providers)) {
  const provider = findProvider({ providerId: theirs });
  if (!provider) throw new Error(`genai-prices has no provider ${theirs}`);
  snapshot.providers[ours] = provider.models.flatMap((model) => {
    const prices = inForce(model.prices);
    if (!prices || prices.input_mtok === undefined) return [];
    const kept = Object.fromEntries(fields.filter((field) => prices[field] !== undefined).map((field) => [field, prices[field]]));
    return [{ id: model.id, match: model.match, prices: kept }];
  });
}
const target = new URL('../src/prices/snapshot.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(snapshot, null, 2)}\n`);
console.log(`wrote ${Object.values(snapshot.providers).reduce((n, list) => n + list.length, 0)} models to ${target.pathname}`);
