export * from './anthropic/index.js';
export { decodeFloat32Base64, encodeFloat32Base64, fakeEmbedding } from './fake-embedding.js';
export {
  fakeModerationScores,
  moderationCategories,
  moderationTriggerWords,
  type OpenAIModerationResponse,
  type OpenAIModerationResult,
  openaiModeration,
  openaiModerationResult,
} from './fake-moderation.js';
export { defaultFakeModels, startFakeOpenAI } from './fake-openai.js';
export * from './gemini/index.js';
export {
  countWords,
  type OpenAIChunksOptions,
  type OpenAICompletionOptions,
  openaiChunks,
  openaiCompletion,
  openaiError,
  openaiErrorType,
  openaiUsage,
} from './openai-fixtures.js';
export { type RedisServer, type RedisServerOptions, startRedisServer } from './redis-server.js';
export type * from './types.js';
