const openApiTypes = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/**
 * A Gemini `Schema` (the OpenAPI 3.0 subset of `parameters` and `responseSchema`) → JSON Schema as OpenAI
 * hosts expect it. Gemini SDKs send upper-case types (`Type.OBJECT` is `"OBJECT"`), which JSON Schema does
 * not know: they are lower-cased. `snake_case` keywords (`any_of`, `max_items`) become `camelCase`.
 * Property names, `enum` values and defaults are left alone; OpenAPI's `nullable` is kept as it is.
 */
export function convertGeminiSchemaToJsonSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    const name = camelCase(key);
    if (name === 'type' && typeof value === 'string' && openApiTypes.has(value.toUpperCase())) {
      converted.type = value.toLowerCase();
    } else if (name === 'properties' && isRecord(value)) {
      converted.properties = Object.fromEntries(
        Object.entries(value).map(([property, entry]) => [
          property,
          isRecord(entry) ? convertGeminiSchemaToJsonSchema(entry) : entry,
        ]),
      );
    } else if (name === 'items' && isRecord(value)) {
      converted.items = convertGeminiSchemaToJsonSchema(value);
    } else if (name === 'anyOf' && Array.isArray(value)) {
      converted.anyOf = value.map((entry: unknown) => (isRecord(entry) ? convertGeminiSchemaToJsonSchema(entry) : entry));
    } else {
      converted[name] = value;
    }
  }
  return converted;
}
