import type { Usage } from '@switchyard/spec';
import type { ModelPrice, Rate } from './prices/price-table.js';

/** Cost is kept in whole nano-dollars (1e-9 USD): exact integer sums across requests and instances. */
export const NANO_PER_USD = 1_000_000_000;

/** Token counts split the way providers bill them. */
export interface BilledTokens {
  /** Input tokens billed at the plain input price. */
  input: number;
  /** Input tokens read from the provider's prompt cache. */
  cacheRead: number;
  /** Input tokens written to the prompt cache (Anthropic: 5-minute writes). */
  cacheWrite: number;
  /** Anthropic 1-hour cache writes. */
  cacheWrite1h: number;
  inputAudio: number;
  /** Output tokens, reasoning included (providers bill reasoning as output). */
  output: number;
  outputAudio: number;
  reasoning: number;
  /** The request's whole input size, which picks the price tier. */
  promptTotal: number;
}

export interface CostBreakdown {
  /** Whole nano-dollars. */
  nanoUsd: number;
  usd: number;
  tokens: BilledTokens;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * Splits canonical (OpenAI-shaped) usage into billed categories. `prompt_tokens` includes cached reads
 * and cache writes (the Anthropic and Gemini plugins convert to this), so plain input is what remains.
 */
export function billedTokens(usage: Usage): BilledTokens {
  const prompt = count(usage.prompt_tokens);
  const details = usage.prompt_tokens_details ?? {};
  const cacheRead = count(details.cached_tokens);
  const cacheWrite1h = count(details.cache_creation_1h_tokens);
  const cacheWrite = Math.max(0, count(details.cache_creation_tokens) - cacheWrite1h);
  const inputAudio = count(details.audio_tokens);
  const completion = count(usage.completion_tokens);
  const outputDetails = usage.completion_tokens_details ?? {};
  const outputAudio = count(outputDetails.audio_tokens);
  return {
    input: Math.max(0, prompt - cacheRead - cacheWrite - cacheWrite1h - inputAudio),
    cacheRead,
    cacheWrite,
    cacheWrite1h,
    inputAudio,
    output: Math.max(0, completion - outputAudio),
    outputAudio,
    reasoning: count(outputDetails.reasoning_tokens),
    promptTotal: prompt,
  };
}

/** The rate (USD per million tokens) for a request whose input has `promptTotal` tokens. */
export function rateFor(rate: Rate | undefined, promptTotal: number): number | undefined {
  if (rate === undefined) return undefined;
  if (typeof rate === 'number') return rate;
  let price = rate.base;
  for (const tier of rate.tiers) if (promptTotal >= tier.start) price = tier.price;
  return price;
}

/** The exact cost of billed tokens at a model's prices, rounded once to whole nano-dollars. */
export function costOf(tokens: BilledTokens, prices: ModelPrice): CostBreakdown {
  const total = tokens.promptTotal;
  const input = rateFor(prices.input_mtok, total) ?? 0;
  const output = rateFor(prices.output_mtok, total) ?? input;
  const cacheWrite = rateFor(prices.cache_write_mtok, total) ?? input;
  // Nano-dollars per token = USD per million tokens × 1000.
  const nano =
    1000 *
    (tokens.input * input +
      tokens.cacheRead * (rateFor(prices.cache_read_mtok, total) ?? input) +
      tokens.cacheWrite * cacheWrite +
      tokens.cacheWrite1h * (rateFor(prices.cache_write_1h_mtok, total) ?? cacheWrite) +
      tokens.inputAudio * (rateFor(prices.input_audio_mtok, total) ?? input) +
      tokens.output * output +
      tokens.outputAudio * (rateFor(prices.output_audio_mtok, total) ?? output));
  const nanoUsd = Math.round(nano);
  return { nanoUsd, usd: nanoUsd / NANO_PER_USD, tokens };
}

/** The most a request can cost: every input token at the highest input rate, plus its output allowance. */
export function worstCaseNano(inputTokens: number, outputTokens: number, prices: ModelPrice): number {
  const promptTotal = inputTokens;
  const input = Math.max(
    rateFor(prices.input_mtok, promptTotal) ?? 0,
    rateFor(prices.cache_write_mtok, promptTotal) ?? 0,
    rateFor(prices.cache_write_1h_mtok, promptTotal) ?? 0,
  );
  const output = rateFor(prices.output_mtok, promptTotal) ?? input;
  return Math.ceil(1000 * (inputTokens * input + outputTokens * output));
}
