import { invalidRequest } from '@switchyard/spec';
import type { AnthropicRequest } from './anthropic-wire-types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenAI `response_format` → Anthropic structured outputs. `json_schema` becomes
 * `output_config.format = {type:'json_schema', schema}` (the model then answers with JSON text in the
 * usual content); `text` is the default and needs nothing. `json_object` (JSON without a schema) has no
 * Anthropic equivalent: it is refused with a 400 rather than silently ignored.
 */
export function convertResponseFormat(responseFormat: unknown): AnthropicRequest['output_config'] {
  if (responseFormat === undefined || responseFormat === null) return undefined;
  const type = isRecord(responseFormat) ? responseFormat.type : undefined;
  if (type === 'text') return undefined;
  if (type === 'json_schema') {
    const jsonSchema = isRecord(responseFormat) ? responseFormat.json_schema : undefined;
    const schema = isRecord(jsonSchema) ? jsonSchema.schema : undefined;
    if (!isRecord(schema)) {
      throw invalidRequest('`response_format.json_schema.schema` must be a JSON Schema object.', {
        param: 'response_format.json_schema.schema',
      });
    }
    return { format: { type: 'json_schema', schema } };
  }
  if (type === 'json_object') {
    throw invalidRequest(
      'Anthropic has no JSON mode without a schema: use `response_format` {type:"json_schema"} with a schema instead of json_object.',
      { param: 'response_format', code: 'unsupported_parameter' },
    );
  }
  throw invalidRequest(`\`response_format\` type ${JSON.stringify(type)} is not supported.`, { param: 'response_format.type' });
}
