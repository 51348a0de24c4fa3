import type { Tool } from '@switchyard/spec';

/** The value the mock puts in every required string argument. */
export const mockArgumentValue = 'echo';

/**
 * Arguments for a call to `tool`, as a JSON object text: each required property whose schema type is
 * `string` gets the value `"echo"` (so `{ required: ['location'] }` gives `{"location":"echo"}`).
 */
export function toolCallArguments(tool: Tool): string {
  const parameters = tool.function?.parameters ?? {};
  const properties = isRecord(parameters.properties) ? parameters.properties : {};
  const required = Array.isArray(parameters.required) ? parameters.required : [];
  const argumentsObject: Record<string, string> = {};
  for (const name of required) {
    if (typeof name !== 'string') continue;
    const property = properties[name];
    if (isRecord(property) && property.type === 'string') argumentsObject[name] = mockArgumentValue;
  }
  return JSON.stringify(argumentsObject);
}

/**
 * Splits an arguments text into the fragments a streamed tool call carries: always at least two pieces
 * (the shortest arguments text, `{}`, gives `{` and `}`), about eight characters each.
 */
export function splitArguments(argumentsText: string): string[] {
  const pieceCount = Math.max(2, Math.ceil(argumentsText.length / 8));
  const pieceSize = Math.ceil(argumentsText.length / pieceCount);
  const pieces: string[] = [];
  for (let start = 0; start < argumentsText.length; start += pieceSize) {
    pieces.push(argumentsText.slice(start, start + pieceSize));
  }
  return pieces;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
