function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenAI `function.arguments` (a JSON string) → Anthropic `tool_use.input` (an object). Arguments that are
 * not valid JSON, or not a JSON object (a model can produce either), become `{}`: Anthropic clients expect
 * an object, and a client's own schema check then reports the missing arguments to the model.
 */
export function parseToolInput(argumentsText: string | undefined): Record<string, unknown> {
  if (argumentsText === undefined || argumentsText.trim().length === 0) return {};
  try {
    const value: unknown = JSON.parse(argumentsText);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}
