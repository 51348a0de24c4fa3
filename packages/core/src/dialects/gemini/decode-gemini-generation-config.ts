import { type ChatRequest, invalidRequest } from '@switchyard/spec';
import { convertGeminiSchemaToJsonSchema } from './convert-gemini-schema-to-json-schema.js';
import type { GeminiGenerationConfigParam } from './gemini-request-schema.js';
import { mapGeminiThinkingToReasoningEffort } from './map-gemini-thinking-to-reasoning-effort.js';

function responseFormat(config: GeminiGenerationConfigParam): ChatRequest['response_format'] | undefined {
  const mimeType = config.responseMimeType;
  if (mimeType === undefined || mimeType === null || mimeType === 'text/plain') return undefined;
  if (mimeType !== 'application/json') {
    throw invalidRequest(`Unsupported value for 'generationConfig.responseMimeType': "${mimeType}".`, {
      param: 'generationConfig.responseMimeType',
      code: 'unsupported_value',
    });
  }
  const schema =
    config.responseJsonSchema ??
    (config.responseSchema === undefined || config.responseSchema === null
      ? undefined
      : convertGeminiSchemaToJsonSchema(config.responseSchema));
  if (schema === undefined || schema === null) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: 'response', schema } };
}

/**
 * `generationConfig` → canonical request fields: `temperature`; `topP` → `top_p`; `topK` → `top_k` (an
 * extra field, as for Anthropic clients); `maxOutputTokens` → `max_tokens`; `stopSequences` → `stop`;
 * `candidateCount` → `n`; `seed`; `presencePenalty` / `frequencyPenalty` → `presence_penalty` /
 * `frequency_penalty`; `responseMimeType: application/json` → `json_object`, or `json_schema` with
 * `responseJsonSchema` / converted `responseSchema`; `thinkingConfig` → `reasoning_effort`.
 *
 * @throws GatewayError (400) for a `responseMimeType` other than `text/plain` or `application/json`.
 */
export function decodeGeminiGenerationConfig(config: GeminiGenerationConfigParam): Partial<ChatRequest> {
  const fields: Partial<ChatRequest> = {};
  const numbers: Array<[string, number | null | undefined]> = [
    ['temperature', config.temperature],
    ['top_p', config.topP],
    ['top_k', config.topK],
    ['max_tokens', config.maxOutputTokens],
    ['n', config.candidateCount],
    ['seed', config.seed],
    ['presence_penalty', config.presencePenalty],
    ['frequency_penalty', config.frequencyPenalty],
  ];
  for (const [field, value] of numbers) {
    if (value !== undefined && value !== null) fields[field] = value;
  }
  if (config.stopSequences !== undefined && config.stopSequences !== null && config.stopSequences.length > 0) {
    fields.stop = config.stopSequences;
  }
  const format = responseFormat(config);
  if (format !== undefined) fields.response_format = format;
  const effort = mapGeminiThinkingToReasoningEffort(config.thinkingConfig);
  if (effort !== undefined) fields.reasoning_effort = effort;
  return fields;
}
