function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * OpenAI `function.arguments` (a JSON string) → Gemini `functionCall.args` (an object). Arguments that
 * are not valid JSON, or not a JSON object (a model can produce either), become `{}`.
 */
export function parseFunctionCallArgs(argumentsText: string | undefined): Record<string, unknown> {
  if (argumentsText === undefined || argumentsText.trim().length === 0) return {};
  try {
    const value: unknown = JSON.parse(argumentsText);
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}
