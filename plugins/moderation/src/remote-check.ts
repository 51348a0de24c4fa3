import type { ModerationResultItem, ProviderV1 } from '@switchyard/spec';
import { type FailMode, type ModerationCheck, verdict } from './verdict.js';

export interface RemoteCheckOptions {
  /** A provider with `moderate()` (any OpenAI-compatible provider has it). */
  provider: ProviderV1;
  /** The upstream moderation model id; default `omni-moderation-latest`. */
  model?: string;
  /**
   * Category → minimum score that flags it (`{ violence: 0.4, 'self-harm': 0.2 }`). Categories without a
   * threshold use `defaultThreshold`, or, when that is unset, the upstream's own `categories` flag.
   */
  thresholds?: Readonly<Record<string, number>>;
  defaultThreshold?: number;
  name?: string;
  failMode?: FailMode;
  timeoutMs?: number;
}

function isResult(value: unknown): value is ModerationResultItem {
  if (typeof value !== 'object' || value === null) return false;
  const scores = (value as { category_scores?: unknown }).category_scores;
  return typeof scores === 'object' && scores !== null;
}

/**
 * A remote classifier behind an OpenAI-compatible `/v1/moderations` endpoint, called through a configured
 * provider (so keys, base URL, pooling and error redaction are the provider's). Scores are compared with
 * per-category thresholds; a malformed answer throws, which the middleware treats as "unavailable".
 */
export function createRemoteCheck({
  provider,
  model = 'omni-moderation-latest',
  thresholds = {},
  defaultThreshold,
  name = `remote:${provider.id}`,
  failMode,
  timeoutMs,
}: RemoteCheckOptions): ModerationCheck {
  const moderate = provider.moderate?.bind(provider);
  if (!moderate) throw new Error(`moderation: provider "${provider.id}" has no moderation endpoint (moderate()).`);
  for (const [category, threshold] of Object.entries(thresholds)) {
    if (!(threshold >= 0 && threshold <= 1)) throw new Error(`moderation: thresholds.${category} must be in [0, 1].`);
  }
  const thresholdFor = (category: string): number | undefined => thresholds[category] ?? defaultThreshold;

  return {
    name,
    ...(failMode === undefined ? {} : { failMode }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    async check(text, { signal, requestId = 'moderation' }) {
      const { body } = await moderate({ model, request: { model, input: text }, signal, requestId });
      const results = (body.value as { results?: unknown }).results;
      if (!Array.isArray(results) || results.length === 0 || !results.every(isResult)) {
        throw new Error(`The moderation answer of "${provider.id}" has no results.`);
      }
      const flagged: string[] = [];
      const scores: Record<string, number> = {};
      for (const result of results) {
        for (const [category, score] of Object.entries(result.category_scores)) {
          if (typeof score !== 'number') continue;
          scores[category] = Math.max(scores[category] ?? 0, score);
          const threshold = thresholdFor(category);
          if (threshold === undefined ? result.categories?.[category] === true : score >= threshold) flagged.push(category);
        }
      }
      return verdict(flagged, scores);
    },
  };
}
