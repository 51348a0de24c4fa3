import { invalidRequest } from '@switchyard/spec';
import type { AnthropicToolChoice } from './anthropic-wire-types.js';

const namedChoices: Readonly<Record<string, 'auto' | 'none' | 'any'>> = Object.freeze({
  auto: 'auto',
  none: 'none',
  required: 'any',
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function baseChoice(toolChoice: unknown): AnthropicToolChoice | undefined {
  if (toolChoice === undefined || toolChoice === null) return undefined;
  if (typeof toolChoice === 'string') {
    const type = namedChoices[toolChoice];
    if (type === undefined) {
      throw invalidRequest(`\`tool_choice\` "${toolChoice}" is not supported; use auto, none, required or a function.`, {
        param: 'tool_choice',
      });
    }
    return { type };
  }
  const name = isRecord(toolChoice) && isRecord(toolChoice.function) ? toolChoice.function.name : undefined;
  if (isRecord(toolChoice) && toolChoice.type === 'function' && typeof name === 'string') return { type: 'tool', name };
  throw invalidRequest('`tool_choice` must be auto, none, required or {type:"function",function:{name}}.', {
    param: 'tool_choice',
  });
}

/**
 * OpenAI `tool_choice` (+ `parallel_tool_calls`) → Anthropic `tool_choice`: auto→auto, none→none,
 * required→any, a named function→`{type:'tool', name}`; `parallel_tool_calls: false` →
 * `disable_parallel_tool_use: true` (on `auto` when no choice was given).
 */
export function convertToAnthropicToolChoice({
  toolChoice,
  parallelToolCalls,
}: {
  toolChoice: unknown;
  parallelToolCalls: unknown;
}): AnthropicToolChoice | undefined {
  const choice = baseChoice(toolChoice);
  if (parallelToolCalls !== false) return choice;
  const withDefault = choice ?? { type: 'auto' };
  return withDefault.type === 'none' ? withDefault : { ...withDefault, disable_parallel_tool_use: true };
}
