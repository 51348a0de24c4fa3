export {
  createOpenAIProvider,
  type OpenAIProviderOptions,
  openAIDefaultBaseURL,
  openAIDefaultModels,
} from './openai-provider.js';
export { openAIProviderFromEnv } from './openai-provider-from-env.js';
