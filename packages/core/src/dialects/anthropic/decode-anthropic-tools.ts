import { invalidRequest, type Tool } from '@switchyard/spec';
import type { AnthropicToolChoiceParam, AnthropicToolParam } from './anthropic-request-schema.js';

/**
 * Anthropic client tools → canonical function tools: `input_schema` → `parameters`, `description` and
 * `strict` kept. `cache_control`, `input_examples`, `defer_loading`, `allowed_callers` and
 * `eager_input_streaming` are dropped.
 *
 * @throws GatewayError (400) for Anthropic server tools (`web_search_20250305`, `bash_20250124`, …), which
 * only Anthropic can run, and for a client tool without `input_schema`.
 */
export function decodeAnthropicTools(tools: readonly AnthropicToolParam[]): Tool[] {
  return tools.map((tool, index) => {
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') {
      throw invalidRequest(
        `Unsupported value for 'tools[${index}].type': server tool "${tool.type}" cannot run through the gateway.`,
        {
          param: `tools[${index}].type`,
          code: 'unsupported_tool',
        },
      );
    }
    if (tool.input_schema === undefined) {
      throw invalidRequest(`Missing required parameter: 'tools[${index}].input_schema'.`, {
        param: `tools[${index}].input_schema`,
        code: 'missing_required_parameter',
      });
    }
    const declaration: NonNullable<Tool['function']> = { name: tool.name, parameters: tool.input_schema };
    if (tool.description !== undefined) declaration.description = tool.description;
    if (typeof tool.strict === 'boolean') declaration.strict = tool.strict;
    return { type: 'function', function: declaration };
  });
}

export interface DecodedToolChoice {
  tool_choice: 'auto' | 'required' | 'none' | { type: 'function'; function: { name: string } };
  /** `false` when the client set `disable_parallel_tool_use`. */
  parallel_tool_calls?: false;
}

/** `auto` → `auto`, `any` → `required`, `tool` → that function, `none` → `none`. */
export function decodeAnthropicToolChoice(choice: AnthropicToolChoiceParam): DecodedToolChoice {
  const decoded: DecodedToolChoice =
    choice.type === 'auto'
      ? { tool_choice: 'auto' }
      : choice.type === 'any'
        ? { tool_choice: 'required' }
        : choice.type === 'tool'
          ? { tool_choice: { type: 'function', function: { name: choice.name } } }
          : { tool_choice: 'none' };
  if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) decoded.parallel_tool_calls = false;
  return decoded;
}
