import { invalidRequest, type Tool } from '@switchyard/spec';
import type { AnthropicTool } from './anthropic-wire-types.js';

/** Anthropic requires an input schema; a function without parameters takes an empty object. */
const emptyInputSchema: Readonly<Record<string, unknown>> = Object.freeze({ type: 'object', properties: {} });

/**
 * OpenAI function tools → Anthropic tools `{name, description, input_schema}`. `strict: true` is passed
 * as Anthropic's `strict`. Non-function tools (custom, built-in) are the client's error.
 */
export function convertToAnthropicTools(tools: readonly Tool[]): AnthropicTool[] {
  return tools.map((tool, index) => {
    if (tool.type !== 'function' || tool.function === undefined) {
      throw invalidRequest(`Only function tools are supported by the Anthropic provider (\`tools[${index}].type\`).`, {
        param: `tools[${index}].type`,
        code: 'unsupported_parameter',
      });
    }
    const { name, description, parameters, strict } = tool.function;
    const converted: AnthropicTool = { name, input_schema: parameters ?? { ...emptyInputSchema } };
    if (description !== undefined) converted.description = description;
    if (strict === true) converted.strict = true;
    return converted;
  });
}
