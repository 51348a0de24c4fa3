import { type ChatRequest, invalidRequest } from '@switchyard/spec';
import { parseWith } from '../../validation.js';
import { decodeGeminiContents, decodeGeminiSystemInstruction } from './decode-gemini-contents.js';
import { decodeGeminiGenerationConfig } from './decode-gemini-generation-config.js';
import { decodeGeminiToolConfig, decodeGeminiTools } from './decode-gemini-tools.js';
import { geminiRequestSchema } from './gemini-request-schema.js';
import { normalizeGeminiFieldNames } from './normalize-gemini-field-names.js';

export interface GeminiRouteParameters {
  /** From the URL: `/v1beta/models/{model}:generateContent`. */
  model: string;
  /** `true` for `:streamGenerateContent`. */
  stream: boolean;
}

/**
 * A Gemini `generateContent` / `streamGenerateContent` body → the canonical chat request. The model and
 * streaming come from the URL. Field names may be `camelCase` or `snake_case`; errors name fields in
 * `camelCase`.
 *
 * - `systemInstruction` → a leading system message; `contents` → messages (`decodeGeminiContents`).
 * - `tools` / `toolConfig` → function tools / `tool_choice` (`decodeGeminiTools`, `decodeGeminiToolConfig`).
 * - `generationConfig` → sampling, limits, `response_format`, `reasoning_effort`
 *   (`decodeGeminiGenerationConfig`).
 * - Streaming sets `stream: true` and `stream_options.include_usage`: the final frame carries usage.
 * - `safetySettings` and other unknown fields are dropped (`unmappedGeminiFields`).
 *
 * @throws GatewayError (400, `invalid_request`) naming the parameter at fault (`contents[0].parts[1]`).
 */
export function decodeGeminiRequest(body: unknown, { model, stream }: GeminiRouteParameters): ChatRequest {
  const request = parseWith(geminiRequestSchema, normalizeGeminiFieldNames(body));
  if (request.cachedContent !== undefined) {
    throw invalidRequest("Unsupported parameter: 'cachedContent' (Gemini context caches cannot be used through the gateway).", {
      param: 'cachedContent',
      code: 'unsupported_parameter',
    });
  }
  const chat: ChatRequest = {
    model,
    messages: [...decodeGeminiSystemInstruction(request.systemInstruction), ...decodeGeminiContents(request.contents)],
  };
  if (request.generationConfig !== undefined) Object.assign(chat, decodeGeminiGenerationConfig(request.generationConfig));
  const tools = request.tools === undefined ? [] : decodeGeminiTools(request.tools);
  const choice = request.toolConfig === undefined ? {} : decodeGeminiToolConfig(request.toolConfig);
  const allowed = choice.allowedFunctionNames;
  const offered = allowed === undefined ? tools : tools.filter((tool) => allowed.includes(tool.function?.name ?? ''));
  if (offered.length > 0) {
    chat.tools = offered;
    // OpenAI rejects tool_choice without tools, so it is only sent with some.
    if (choice.tool_choice !== undefined) chat.tool_choice = choice.tool_choice;
  }
  if (stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  return chat;
}
