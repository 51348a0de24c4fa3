import { describe, expect, it } from 'vitest';
import { billedTokens, costOf, createPriceTable, NANO_PER_USD, worstCaseNano } from '../src/index.js';

const table = createPriceTable();

function usd(provider: string, model: string, usage: Parameters<typeof billedTokens>[0]): number {
  const entry = table.lookup(provider, model);
  if (!entry) throw new Error(`no price for ${provider}/${model}`);
  return costOf(billedTokens(usage), entry.prices).nanoUsd / NANO_PER_USD;
}

describe('cost from provider-reported usage', () => {
  it('bills OpenAI cached input at the cached price (gpt-4o-mini: $0.15 / $0.075 cached / $0.60 per M)', () => {
    const cost = usd('openai', 'gpt-4o-mini-2024-07-18', {
      prompt_tokens: 1000,
      completion_tokens: 500,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 200 },
    });
    // 800 × 0.15 + 200 × 0.075 + 500 × 0.60 = 435 per million → $0.000435
    expect(cost).toBe(0.000435);
  });

  it('bills Anthropic cache reads and 5-minute and 1-hour writes (Claude Sonnet 4: $3 / $0.30 / $3.75 / $6 / $15)', () => {
    const cost = usd('anthropic', 'claude-sonnet-4-20250514', {
      prompt_tokens: 100 + 1000 + 2000 + 400,
      completion_tokens: 300,
      total_tokens: 3800,
      prompt_tokens_details: { cached_tokens: 1000, cache_creation_tokens: 2400, cache_creation_1h_tokens: 400 },
    });
    // 100 × 3 + 1000 × 0.30 + 2000 × 3.75 + 400 × 6 + 300 × 15 = 15,000 per million → $0.015
    expect(cost).toBe(0.015);
  });

  it('bills reasoning tokens as output and applies Gemini long-context tiers to the whole request', () => {
    const short = usd('gemini', 'gemini-2.5-pro', {
      prompt_tokens: 1000,
      completion_tokens: 1000,
      total_tokens: 2000,
      completion_tokens_details: { reasoning_tokens: 800 },
    });
    expect(short).toBe((1000 * 1.25 + 1000 * 10) / 1e6);
    const long = usd('gemini', 'gemini-2.5-pro', { prompt_tokens: 250_000, completion_tokens: 1000, total_tokens: 251_000 });
    expect(long).toBe((250_000 * 2.5 + 1000 * 15) / 1e6);
  });

  it('sums exactly in nano-dollars: a million small requests cost a million times one', () => {
    const entry = table.lookup('openai', 'gpt-4o-mini');
    if (!entry) throw new Error('missing');
    const one = costOf(billedTokens({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }), entry.prices).nanoUsd;
    expect(Number.isInteger(one)).toBe(true);
    expect(one).toBe(7 * 150 + 3 * 600);
  });

  it('reserves at least the real cost', () => {
    const entry = table.lookup('anthropic', 'claude-sonnet-4-0');
    if (!entry) throw new Error('missing');
    const real = costOf(
      billedTokens({
        prompt_tokens: 900,
        completion_tokens: 100,
        total_tokens: 1000,
        prompt_tokens_details: { cache_creation_tokens: 900 },
      }),
      entry.prices,
    ).nanoUsd;
    expect(worstCaseNano(900, 100, entry.prices)).toBeGreaterThanOrEqual(real);
  });
});

describe('price table', () => {
  it('prefers config overrides, maps provider aliases, and falls back across providers', () => {
    const custom = createPriceTable({
      overrides: { 'openai/gpt-4o-mini': { input_mtok: 1, output_mtok: 2 }, 'my-finetune': { input_mtok: 9 } },
      aliases: { azure: 'openai' },
    });
    expect(custom.lookup('openai', 'gpt-4o-mini')?.id).toBe('override:openai/gpt-4o-mini');
    expect(custom.lookup('vllm', 'my-finetune')?.prices.input_mtok).toBe(9);
    expect(custom.lookup('azure', 'gpt-4o')?.id).toBe('gpt-4o');
    expect(custom.lookup('some-host', 'claude-3-5-haiku-latest')?.id).toMatch(/^anthropic:/);
    expect(custom.lookup('mock', 'echo')).toBeUndefined();
  });

  it('names the pinned snapshot it was built from', () => {
    expect(table.source).toBe('@pydantic/genai-prices@0.1.8');
    expect(table.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
