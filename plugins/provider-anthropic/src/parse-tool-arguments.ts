import { invalidRequest } from '@switchyard/spec';

/**
 * An assistant tool call's `function.arguments` (a JSON string) → the object Anthropic's `tool_use.input`
 * must be. An empty string stands for `{}`; anything that is not a JSON object is the client's error.
 */
export function parseToolArguments(text: string, param: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest(`\`${param}\` is not valid JSON.`, { param, code: 'invalid_tool_arguments' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest(`\`${param}\` must be a JSON object.`, { param, code: 'invalid_tool_arguments' });
  }
  return parsed as Record<string, unknown>;
}
