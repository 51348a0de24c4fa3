/**
 * OpenAI Chat Completions request fields the Anthropic provider knowingly drops, because the Messages API
 * has no equivalent. Listed in the README; any other unknown field is dropped as well.
 */
export const unmappedOpenAIFields: readonly string[] = Object.freeze([
  'frequency_penalty',
  'presence_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'seed',
  'service_tier',
  'store',
  'metadata',
  'modalities',
  'audio',
  'prediction',
  'web_search_options',
  'verbosity',
  'prompt_cache_key',
  'safety_identifier',
  'stream_options',
  'functions',
  'function_call',
]);
