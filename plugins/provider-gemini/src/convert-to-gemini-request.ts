import type { ChatRequest } from '@switchyard/spec';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiGenerationConfig } from './convert-to-gemini-generation-config.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';
import type { GeminiGenerateContentRequest } from './gemini-wire-types.js';

/**
 * A canonical chat request → the `generateContent` / `streamGenerateContent` body. The model travels in
 * the URL, `stream` in the method name, so neither is in the body. Throws a 400 GatewayError for input
 * Gemini cannot express (unknown part or tool types, invalid tool arguments, orphan tool results).
 */
export function convertToGeminiRequest(request: ChatRequest): GeminiGenerateContentRequest {
  const { systemInstruction, contents } = convertToGeminiContents(request.messages);
  const body: GeminiGenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  const { tools, toolConfig } = convertToGeminiTools(request);
  if (tools) body.tools = tools;
  if (toolConfig) body.toolConfig = toolConfig;
  const generationConfig = convertToGeminiGenerationConfig(request);
  if (generationConfig) body.generationConfig = generationConfig;
  return body;
}
