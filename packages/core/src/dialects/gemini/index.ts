export { convertGeminiSchemaToJsonSchema } from './convert-gemini-schema-to-json-schema.js';
export { createGeminiStreamEncoder, type GeminiStreamEncoder } from './create-gemini-stream-encoder.js';
export { decodeGeminiContents, decodeGeminiSystemInstruction } from './decode-gemini-contents.js';
export { decodeGeminiGenerationConfig } from './decode-gemini-generation-config.js';
export { decodeGeminiRequest, type GeminiRouteParameters } from './decode-gemini-request.js';
export { type DecodedGeminiToolChoice, decodeGeminiToolConfig, decodeGeminiTools } from './decode-gemini-tools.js';
export { encodeGeminiError, geminiErrorBody, geminiErrorStatus, geminiErrorStatuses } from './encode-gemini-error.js';
export { encodeGeminiResponse } from './encode-gemini-response.js';
export { encodeGeminiStream } from './encode-gemini-stream.js';
export { encodeGeminiUsage } from './encode-gemini-usage.js';
export { geminiDialect } from './gemini-dialect.js';
export { type GeminiRequest, geminiRequestSchema } from './gemini-request-schema.js';
export { encodeGeminiToolCallId } from './gemini-tool-call-id.js';
export type * from './gemini-wire-types.js';
export { geminiFinishReasons, mapFinishReasonToGemini } from './map-finish-reason-to-gemini.js';
export {
  mapGeminiThinkingBudgetToReasoningEffort,
  mapGeminiThinkingToReasoningEffort,
} from './map-gemini-thinking-to-reasoning-effort.js';
export { normalizeGeminiFieldNames } from './normalize-gemini-field-names.js';
export { unmappedGeminiFields } from './unmapped-gemini-fields.js';
