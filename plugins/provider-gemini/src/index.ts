export { convertGeminiEmbeddings, encodeFloat32Base64 } from './convert-gemini-embeddings.js';
export { convertGeminiFunctionCall } from './convert-gemini-function-call.js';
export { type ConvertGeminiResponseOptions, convertGeminiResponse } from './convert-gemini-response.js';
export {
  createGeminiStreamConverter,
  type GeminiStreamConverter,
  type GeminiStreamConverterOptions,
} from './convert-gemini-stream.js';
export { convertGeminiUsage } from './convert-gemini-usage.js';
export { convertJsonSchemaToOpenAPI } from './convert-json-schema-to-openapi.js';
export { convertToGeminiContents, type GeminiContents } from './convert-to-gemini-contents.js';
export { convertToGeminiEmbeddingRequests, geminiMaxBatchSize } from './convert-to-gemini-embedding-requests.js';
export { convertToGeminiGenerationConfig, geminiThinkingBudgets } from './convert-to-gemini-generation-config.js';
export { convertToGeminiRequest } from './convert-to-gemini-request.js';
export { convertToGeminiTools } from './convert-to-gemini-tools.js';
export {
  createGeminiProvider,
  type GeminiProviderOptions,
  geminiApiVersion,
  geminiDefaultBaseURL,
  geminiDefaultModels,
} from './gemini-provider.js';
export { geminiProviderFromEnv } from './gemini-provider-from-env.js';
export { decodeGeminiToolCallId, encodeGeminiToolCallId } from './gemini-tool-call-id.js';
export { geminiRetryDelayMs, geminiUpstreamError } from './gemini-upstream-error.js';
export type * from './gemini-wire-types.js';
export { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
