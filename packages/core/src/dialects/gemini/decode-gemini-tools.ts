import { invalidRequest, type Tool } from '@switchyard/spec';
import { convertGeminiSchemaToJsonSchema } from './convert-gemini-schema-to-json-schema.js';
import type { GeminiToolConfigParam, GeminiToolParam } from './gemini-request-schema.js';

/**
 * Gemini `tools[].functionDeclarations` → canonical function tools: `parameters` (a Gemini Schema) is
 * converted to JSON Schema (`convertGeminiSchemaToJsonSchema`), `parametersJsonSchema` is used as given,
 * `description` kept. A declaration's `response` schema and `behavior` are dropped.
 *
 * @throws GatewayError (400) for built-in tools (`googleSearch`, `codeExecution`, `urlContext`, …),
 * which only Gemini can run.
 */
export function decodeGeminiTools(tools: readonly GeminiToolParam[]): Tool[] {
  return tools.flatMap((tool, index) => {
    const builtIn = Object.keys(tool).find(
      (key) => key !== 'functionDeclarations' && tool[key] !== undefined && tool[key] !== null,
    );
    if (builtIn !== undefined) {
      throw invalidRequest(
        `Unsupported value for 'tools[${index}].${builtIn}': built-in Gemini tools cannot run through the gateway.`,
        {
          param: `tools[${index}].${builtIn}`,
          code: 'unsupported_tool',
        },
      );
    }
    return (tool.functionDeclarations ?? []).map((declaration): Tool => {
      const parameters =
        declaration.parametersJsonSchema ??
        (declaration.parameters === undefined || declaration.parameters === null
          ? undefined
          : convertGeminiSchemaToJsonSchema(declaration.parameters));
      const definition: NonNullable<Tool['function']> = { name: declaration.name };
      if (declaration.description !== undefined) definition.description = declaration.description;
      if (parameters !== undefined && parameters !== null) definition.parameters = parameters;
      return { type: 'function', function: definition };
    });
  });
}

export interface DecodedGeminiToolChoice {
  tool_choice?: 'auto' | 'required' | 'none' | { type: 'function'; function: { name: string } };
  /** Set when `ANY` names several allowed functions: the tools are narrowed to those. */
  allowedFunctionNames?: readonly string[];
}

/**
 * `toolConfig.functionCallingConfig` → `tool_choice`: `AUTO` (and unspecified, and `VALIDATED`) → `auto`,
 * `NONE` → `none`, `ANY` → `required`; `ANY` with one allowed function → that function; `ANY` with several
 * → `required` with the tools narrowed to the allowed ones (the same constraint, said another way).
 */
export function decodeGeminiToolConfig(toolConfig: GeminiToolConfigParam): DecodedGeminiToolChoice {
  const config = toolConfig.functionCallingConfig;
  if (config === undefined) return {};
  const allowed = config.allowedFunctionNames ?? [];
  switch (config.mode) {
    case 'NONE':
      return { tool_choice: 'none' };
    case 'ANY': {
      const [only] = allowed;
      if (allowed.length === 1 && only !== undefined) return { tool_choice: { type: 'function', function: { name: only } } };
      return allowed.length > 1 ? { tool_choice: 'required', allowedFunctionNames: allowed } : { tool_choice: 'required' };
    }
    default:
      return { tool_choice: 'auto' };
  }
}
