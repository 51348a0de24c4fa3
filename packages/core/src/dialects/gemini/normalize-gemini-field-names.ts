/**
 * Fields whose values are free-form (function arguments and results, JSON schemas, labels): their keys are
 * data, not field names, and are never renamed.
 */
const opaqueFields = new Set([
  'args',
  'response',
  'parameters',
  'parametersJsonSchema',
  'responseSchema',
  'responseJsonSchema',
  'labels',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * The Gemini REST API reads protobuf JSON, which accepts `snake_case` field names as well as `camelCase`
 * (Google's own curl examples use `system_instruction`, `inline_data`, `mime_type`). This renames every
 * field to `camelCase` so one schema validates both, leaving the contents of opaque fields untouched.
 */
export function normalizeGeminiFieldNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeGeminiFieldNames);
  if (!isRecord(value)) return value;
  const normalized: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    const name = camelCase(key);
    normalized[name] = opaqueFields.has(name) ? entry : normalizeGeminiFieldNames(entry);
  }
  return normalized;
}
