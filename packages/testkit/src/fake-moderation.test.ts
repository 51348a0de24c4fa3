import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeModerationScores, moderationCategories, openaiModeration } from './fake-moderation.js';
import { startFakeOpenAI } from './fake-openai.js';
import type { FakeOpenAI } from './types.js';

let upstream: FakeOpenAI;
beforeAll(async () => {
  upstream = await startFakeOpenAI();
});
afterAll(() => upstream.close());

async function moderate(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${upstream.url}/moderations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('fake /v1/moderations', () => {
  it('answers in the omni-moderation wire format with every category', async () => {
    const { status, json } = await moderate({ model: 'omni-moderation-latest', input: 'a calm sentence' });
    expect(status).toBe(200);
    expect(json.id).toMatch(/^modr-fake-/);
    expect(json.model).toBe('omni-moderation-2024-09-26');
    const results = json.results as Array<Record<string, Record<string, unknown>>>;
    expect(results).toHaveLength(1);
    expect(results[0]?.flagged).toBe(false);
    expect(Object.keys(results[0]?.categories ?? {}).sort()).toEqual(Object.keys(moderationCategories).sort());
    expect(results[0]?.category_applied_input_types?.violence).toEqual(['text', 'image']);
  });

  it('scores trigger words high and honours score markers, one result per input string', async () => {
    const { json } = await moderate({ input: ['I will kill it', 'fine [score:hate=0.42]'] });
    const results = json.results as Array<{ flagged: boolean; category_scores: Record<string, number> }>;
    expect(results[0]?.flagged).toBe(true);
    expect(results[0]?.category_scores.violence).toBe(0.91);
    expect(results[1]?.flagged).toBe(false);
    expect(results[1]?.category_scores.hate).toBe(0.42);
  });

  it('classifies a multi-modal array as one input, and rejects a malformed one', async () => {
    const ok = await moderate({
      input: [
        { type: 'text', text: 'steal' },
        { type: 'image_url', image_url: { url: 'x' } },
      ],
    });
    expect((ok.json.results as unknown[]).length).toBe(1);
    const bad = await moderate({ input: 42 });
    expect(bad.status).toBe(400);
    expect((bad.json.error as { param: string }).param).toBe('input');
  });

  it('builds fixtures and scores text without a server', () => {
    expect(fakeModerationScores('Killing time')).toEqual({});
    expect(fakeModerationScores('kill')).toEqual({ violence: 0.91 });
    expect(openaiModeration({ results: [{ sexual: 0.7 }] }).results[0]?.categories.sexual).toBe(true);
  });
});
