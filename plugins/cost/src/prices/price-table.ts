import { readFileSync } from 'node:fs';
import { compileMatch, type MatchRule } from './match.js';

/** A price in USD per million tokens, flat or tiered by the request's input size. */
export type Rate = number | { base: number; tiers: ReadonlyArray<{ start: number; price: number }> };

/** One model's token prices (USD per million tokens). Absent cache prices fall back to the input price. */
export interface ModelPrice {
  input_mtok: Rate;
  output_mtok?: Rate;
  cache_read_mtok?: Rate;
  cache_write_mtok?: Rate;
  cache_write_1h_mtok?: Rate;
  input_audio_mtok?: Rate;
  output_audio_mtok?: Rate;
}

export interface PriceEntry {
  /** The snapshot's model id, or `override:<pattern>` for prices from config. */
  id: string;
  prices: ModelPrice;
}

interface Snapshot {
  version: string;
  source: string;
  sourceVersion: string;
  license: string;
  providers: Record<string, Array<{ id: string; match: MatchRule; prices: ModelPrice }>>;
}

export interface PriceTableOptions {
  /**
   * Prices that win over the snapshot, by `provider/model` pattern (`*` globs): `{ 'openai/gpt-4o*': { input_mtok: 2.5, output_mtok: 10 } }`.
   * A bare model pattern (`my-finetune`) applies under every provider.
   */
  overrides?: Readonly<Record<string, ModelPrice>>;
  /** Which snapshot provider prices a gateway provider id (`{ 'my-azure': 'openai' }`); by default the id itself. */
  aliases?: Readonly<Record<string, string>>;
  /** Use another snapshot (tests, air-gapped updates). */
  snapshot?: Snapshot;
}

export interface PriceTable {
  /** The snapshot's date and source, for reports. */
  readonly version: string;
  readonly source: string;
  /** Prices for an upstream model served by a gateway provider; undefined when nobody lists it. */
  lookup(providerId: string, model: string): PriceEntry | undefined;
}

let loaded: Snapshot | undefined;

/** The pinned snapshot shipped with the package (see scripts/update-prices.mjs). */
export function bundledSnapshot(): Snapshot {
  loaded ??= JSON.parse(readFileSync(new URL('./snapshot.json', import.meta.url), 'utf8')) as Snapshot;
  return loaded;
}

/**
 * Finds a model's price: config overrides first, then the snapshot under the provider (or its alias),
 * then the snapshot under every provider (an OpenAI-compatible host serving `gpt-4o` is priced as
 * OpenAI's only if nothing closer matched). Results are memoised per provider and model.
 */
export function createPriceTable({
  overrides = {},
  aliases = {},
  snapshot = bundledSnapshot(),
}: PriceTableOptions = {}): PriceTable {
  const compiled = new Map<string, Array<{ id: string; test: (model: string) => boolean; prices: ModelPrice }>>();
  for (const [provider, models] of Object.entries(snapshot.providers)) {
    compiled.set(
      provider,
      models.map((entry) => ({ id: entry.id, test: compileMatch(entry.match), prices: entry.prices })),
    );
  }
  const overrideRules = Object.entries(overrides).map(([pattern, prices]) => ({
    id: `override:${pattern}`,
    test: globTest(pattern.includes('/') ? pattern : `*/${pattern}`),
    prices,
  }));
  const memo = new Map<string, PriceEntry | null>();

  function find(providerId: string, model: string): PriceEntry | undefined {
    const qualified = `${providerId}/${model}`;
    const override = overrideRules.find((rule) => rule.test(qualified));
    if (override) return override;
    const own = compiled.get(aliases[providerId] ?? providerId);
    const hit = own?.find((entry) => entry.test(model));
    if (hit) return hit;
    for (const [provider, entries] of compiled) {
      if (entries === own) continue;
      const match = entries.find((entry) => entry.test(model));
      if (match) return { id: `${provider}:${match.id}`, prices: match.prices };
    }
    return undefined;
  }

  return {
    version: snapshot.version,
    source: `${snapshot.source}@${snapshot.sourceVersion}`,
    lookup(providerId, model) {
      const key = `${providerId}\u0000${model}`;
      let entry = memo.get(key);
      if (entry === undefined) {
        entry = find(providerId, model) ?? null;
        if (memo.size > 10_000) memo.clear();
        memo.set(key, entry);
      }
      return entry ?? undefined;
    },
  };
}

function globTest(pattern: string): (value: string) => boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${source}$`);
  return (value) => regex.test(value);
}
