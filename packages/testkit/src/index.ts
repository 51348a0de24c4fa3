export { decodeFloat32Base64, encodeFloat32Base64, fakeEmbedding } from './fake-embedding.js';
export { defaultFakeModels, startFakeOpenAI } from './fake-openai.js';
export {
  countWords,
  openaiChunks,
  openaiCompletion,
  openaiError,
  openaiErrorType,
  openaiUsage,
  type OpenAIChunksOptions,
  type OpenAICompletionOptions,
} from './openai-fixtures.js';
export type * from './types.js';
