/**
 * The fake's `/v1/moderations`: a deterministic stand-in for `omni-moderation-latest` in OpenAI's exact
 * wire format. A few trigger words score high in their category; a `[score:<category>=<number>]` marker
 * in the text sets a category's score exactly, so tests can probe thresholds without scripting.
 */
import type { Exchange } from './exchange.js';
import { sendOpenAIError, sendOpenAIJson } from './openai-exchange.js';

/** The categories of `omni-moderation-latest`, with the input types each score applies to. */
export const moderationCategories: Readonly<Record<string, readonly string[]>> = {
  harassment: ['text'],
  'harassment/threatening': ['text'],
  hate: ['text'],
  'hate/threatening': ['text'],
  illicit: ['text'],
  'illicit/violent': ['text'],
  'self-harm': ['text', 'image'],
  'self-harm/instructions': ['text', 'image'],
  'self-harm/intent': ['text', 'image'],
  sexual: ['text', 'image'],
  'sexual/minors': ['text'],
  violence: ['text', 'image'],
  'violence/graphic': ['text', 'image'],
};

/** Words that make the fake score a category at `triggerScore` (case-insensitive, whole words). */
export const moderationTriggerWords: Readonly<Record<string, readonly string[]>> = {
  violence: ['kill', 'murder', 'attack'],
  harassment: ['idiot', 'moron'],
  hate: ['hateful'],
  illicit: ['shoplift', 'steal'],
  'self-harm': ['self-harm'],
};

const triggerScore = 0.91;
const baselineScore = 0.0001;
/** The score above which the fake reports a category as flagged, as OpenAI's own cut-offs roughly do. */
const flagScore = 0.5;

export interface OpenAIModerationResult {
  flagged: boolean;
  categories: Record<string, boolean>;
  category_scores: Record<string, number>;
  category_applied_input_types: Record<string, string[]>;
}

export interface OpenAIModerationResponse {
  id: string;
  model: string;
  results: OpenAIModerationResult[];
}

/** Builds one moderation result from category scores (missing categories score the baseline). */
export function openaiModerationResult(scores: Readonly<Record<string, number>> = {}): OpenAIModerationResult {
  const categories: Record<string, boolean> = {};
  const categoryScores: Record<string, number> = {};
  const appliedInputTypes: Record<string, string[]> = {};
  for (const [category, inputTypes] of Object.entries(moderationCategories)) {
    const score = scores[category] ?? baselineScore;
    categories[category] = score >= flagScore;
    categoryScores[category] = score;
    appliedInputTypes[category] = [...inputTypes];
  }
  return {
    flagged: Object.values(categories).some(Boolean),
    categories,
    category_scores: categoryScores,
    category_applied_input_types: appliedInputTypes,
  };
}

/** Builds a whole `/v1/moderations` response, one result per entry of `results` (category → score). */
export function openaiModeration({
  id = 'modr-fake',
  model = 'omni-moderation-latest',
  results = [{}],
}: {
  id?: string;
  model?: string;
  results?: ReadonlyArray<Readonly<Record<string, number>>>;
} = {}): OpenAIModerationResponse {
  return { id, model, results: results.map((scores) => openaiModerationResult(scores)) };
}

const scoreMarker = /\[score:([a-z/-]+)=([0-9.]+)\]/g;

/** The fake classifier: trigger words and `[score:category=value]` markers → category scores. */
export function fakeModerationScores(text: string): Record<string, number> {
  const scores: Record<string, number> = {};
  const lower = text.toLowerCase();
  for (const [category, words] of Object.entries(moderationTriggerWords)) {
    if (words.some((word) => new RegExp(`(^|[^a-z])${word}([^a-z]|$)`).test(lower))) scores[category] = triggerScore;
  }
  for (const match of text.matchAll(scoreMarker)) {
    const [, category, value] = match;
    if (category !== undefined && category in moderationCategories) scores[category] = Number(value);
  }
  return scores;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The texts to classify, one per result: a string, strings, or one multi-modal array (its text parts joined). */
function moderationTexts(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (!input.every((item) => isRecord(item) && typeof item.type === 'string')) return undefined;
  return [
    input
      .map((item) => (item.type === 'text' && typeof item.text === 'string' ? item.text : ''))
      .filter((text) => text.length > 0)
      .join('\n'),
  ];
}

export function handleModerations(exchange: Exchange, body: unknown): void {
  if (!isRecord(body)) {
    sendOpenAIError(exchange, { status: 400, message: 'The request body must be a JSON object.', type: 'invalid_request_error' });
    return;
  }
  const texts = moderationTexts(body.input);
  if (texts === undefined) {
    sendOpenAIError(exchange, {
      status: 400,
      message: "Invalid 'input': expected a string, an array of strings or an array of input objects.",
      type: 'invalid_request_error',
      param: 'input',
    });
    return;
  }
  const model = typeof body.model === 'string' && body.model.length > 0 ? body.model : 'omni-moderation-latest';
  sendOpenAIJson(exchange, {
    body: openaiModeration({
      id: `modr-fake-${exchange.requestNumber}`,
      model: model === 'omni-moderation-latest' ? 'omni-moderation-2024-09-26' : model,
      results: texts.map(fakeModerationScores),
    }),
  });
}
