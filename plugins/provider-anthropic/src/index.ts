export {
  type AnthropicProviderOptions,
  anthropicDefaultBaseURL,
  anthropicDefaultModels,
  anthropicDefaultVersion,
  createAnthropicProvider,
} from './anthropic-provider.js';
export { anthropicProviderFromEnv } from './anthropic-provider-from-env.js';
export {
  anthropicErrorCodes,
  anthropicErrorStatuses,
  anthropicStreamError,
  anthropicUpstreamError,
} from './anthropic-upstream-error.js';
export type * from './anthropic-wire-types.js';
export { convertAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage.js';
export { convertFromAnthropicMessage, isAnthropicMessage } from './convert-from-anthropic-message.js';
export { anthropicThinkingBudgets, convertReasoningEffort, type ReasoningSettings } from './convert-reasoning-effort.js';
export { convertResponseFormat } from './convert-response-format.js';
export { type AnthropicPrompt, convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
export { type ConvertToAnthropicRequestOptions, convertToAnthropicRequest } from './convert-to-anthropic-request.js';
export { convertToAnthropicToolChoice } from './convert-to-anthropic-tool-choice.js';
export { convertToAnthropicTools } from './convert-to-anthropic-tools.js';
export { type AnthropicStreamConverter, createAnthropicStreamConverter } from './create-anthropic-stream-converter.js';
export { anthropicFinishReasons, mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';
export { unmappedOpenAIFields } from './unmapped-openai-fields.js';
