export { defaultFakeGeminiModels, startFakeGemini } from './fake-gemini.js';
export { fakeGeminiEmbeddingDimensions } from './gemini-default-handlers.js';
export {
  type GeminiFunctionCallFixture,
  type GeminiResponseOptions,
  type GeminiStreamFramesOptions,
  type GeminiUsageOptions,
  geminiError,
  geminiErrorStatus,
  geminiResponse,
  geminiRetryInfo,
  geminiStreamFrames,
  geminiUsageMetadata,
} from './gemini-fixtures.js';
export type * from './gemini-types.js';
