import { type ChatRequest, invalidRequest } from '@switchyard/spec';
import { convertJsonSchemaToOpenAPI } from './convert-json-schema-to-openapi.js';
import type { GeminiFunctionCallingMode, GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini-wire-types.js';

export interface GeminiToolsPart {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

const modesByToolChoice: Readonly<Record<string, GeminiFunctionCallingMode>> = {
  auto: 'AUTO',
  none: 'NONE',
  required: 'ANY',
};

function toolConfigFor(toolChoice: ChatRequest['tool_choice'], declared: ReadonlySet<string>): GeminiToolConfig | undefined {
  if (toolChoice === undefined) return undefined;
  if (typeof toolChoice === 'string') {
    const mode = modesByToolChoice[toolChoice];
    if (mode === undefined) {
      throw invalidRequest(`tool_choice "${toolChoice}" is not one of auto, none, required.`, { param: 'tool_choice' });
    }
    return { functionCallingConfig: { mode } };
  }
  const fn = toolChoice.function;
  const name = typeof fn === 'object' && fn !== null ? (fn as { name?: unknown }).name : undefined;
  if (toolChoice.type !== 'function' || typeof name !== 'string') {
    throw invalidRequest('tool_choice must name a function: {"type":"function","function":{"name":"…"}}.', {
      param: 'tool_choice',
    });
  }
  if (!declared.has(name)) {
    throw invalidRequest(`tool_choice names the function "${name}", which is not in tools.`, { param: 'tool_choice' });
  }
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
}

/**
 * OpenAI `tools` → one Gemini tool with `functionDeclarations` (parameters converted to Gemini's OpenAPI
 * subset; `strict` has no equivalent), and `tool_choice` → `toolConfig.functionCallingConfig`:
 * `auto` → AUTO, `none` → NONE, `required` → ANY, a named function → ANY limited to that name. Without
 * tools nothing is sent (a `tool_choice` alone means nothing to Gemini).
 */
export function convertToGeminiTools(request: Pick<ChatRequest, 'tools' | 'tool_choice'>): GeminiToolsPart {
  const { tools = [], tool_choice: toolChoice } = request;
  if (tools.length === 0) return {};
  const functionDeclarations = tools.map((tool, index): GeminiFunctionDeclaration => {
    if (tool.type !== 'function' || !tool.function) {
      throw invalidRequest(`Tools of type "${tool.type}" are not supported for Gemini.`, {
        param: `tools[${index}].type`,
        code: 'unsupported_tool_type',
      });
    }
    const { name, description, parameters } = tool.function;
    const declaration: GeminiFunctionDeclaration = { name };
    if (description !== undefined) declaration.description = description;
    const converted = convertJsonSchemaToOpenAPI(parameters);
    if (converted !== undefined) declaration.parameters = converted;
    return declaration;
  });
  const toolConfig = toolConfigFor(toolChoice, new Set(functionDeclarations.map((declaration) => declaration.name)));
  return toolConfig === undefined ? { tools: [{ functionDeclarations }] } : { tools: [{ functionDeclarations }], toolConfig };
}
