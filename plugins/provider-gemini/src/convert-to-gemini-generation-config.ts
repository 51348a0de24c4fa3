import { type ChatRequest, invalidRequest } from '@switchyard/spec';
import { convertJsonSchemaToOpenAPI } from './convert-json-schema-to-openapi.js';
import type { GeminiGenerationConfig } from './gemini-wire-types.js';

/**
 * OpenAI `reasoning_effort` → Gemini `thinkingConfig.thinkingBudget` (tokens). `high` is the largest
 * budget every Gemini 2.5 model accepts; thoughts are requested (`includeThoughts`) whenever the budget
 * is above zero and come back as `reasoning_content`.
 */
export const geminiThinkingBudgets: Readonly<Record<string, number>> = Object.freeze({
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
});

function optionalNumber(request: ChatRequest, field: string): number | undefined {
  const value = request[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${field} must be a number.`, { param: field });
  return value;
}

function stopSequences(stop: ChatRequest['stop']): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  return typeof stop === 'string' ? [stop] : stop.length > 0 ? [...stop] : undefined;
}

function responseFormatConfig(format: ChatRequest['response_format']): Partial<GeminiGenerationConfig> {
  if (format === undefined || format.type === 'text') return {};
  if (format.type === 'json_object') return { responseMimeType: 'application/json' };
  if (format.type === 'json_schema') {
    const spec = format.json_schema;
    const schema = typeof spec === 'object' && spec !== null ? (spec as { schema?: unknown }).schema : undefined;
    const responseSchema = convertJsonSchemaToOpenAPI(schema);
    return responseSchema === undefined
      ? { responseMimeType: 'application/json' }
      : { responseMimeType: 'application/json', responseSchema };
  }
  throw invalidRequest(`response_format type "${format.type}" is not supported for Gemini.`, {
    param: 'response_format.type',
  });
}

function thinkingConfig(effort: unknown): Partial<GeminiGenerationConfig> {
  if (effort === undefined || effort === null) return {};
  const budget = typeof effort === 'string' ? geminiThinkingBudgets[effort] : undefined;
  if (budget === undefined) {
    throw invalidRequest(`reasoning_effort must be one of ${Object.keys(geminiThinkingBudgets).join(', ')}.`, {
      param: 'reasoning_effort',
    });
  }
  return { thinkingConfig: { thinkingBudget: budget, includeThoughts: budget > 0 } };
}

/**
 * Sampling and output fields → `generationConfig`: `temperature`, `top_p` → `topP`,
 * `max_completion_tokens ?? max_tokens` → `maxOutputTokens`, `stop` → `stopSequences`, `n` →
 * `candidateCount`, `seed`, `presence_penalty` / `frequency_penalty`, `response_format` (`json_object` →
 * JSON MIME type; `json_schema` → MIME type + converted `responseSchema`) and `reasoning_effort` →
 * `thinkingConfig`. Returns `undefined` when nothing is set.
 */
export function convertToGeminiGenerationConfig(request: ChatRequest): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {};
  const numbers: Array<[keyof GeminiGenerationConfig, number | undefined]> = [
    ['temperature', request.temperature ?? undefined],
    ['topP', request.top_p ?? undefined],
    ['maxOutputTokens', request.max_completion_tokens ?? request.max_tokens ?? undefined],
    ['candidateCount', request.n ?? undefined],
    ['seed', optionalNumber(request, 'seed')],
    ['presencePenalty', optionalNumber(request, 'presence_penalty')],
    ['frequencyPenalty', optionalNumber(request, 'frequency_penalty')],
  ];
  for (const [field, value] of numbers) {
    if (value !== undefined) (config as Record<string, unknown>)[field] = value;
  }
  const stop = stopSequences(request.stop);
  if (stop) config.stopSequences = stop;
  Object.assign(config, responseFormatConfig(request.response_format), thinkingConfig(request.reasoning_effort));
  return Object.keys(config).length > 0 ? config : undefined;
}
