export { serializeAnthropicEvent } from './anthropic-exchange.js';
export {
  type AnthropicMessageOptions,
  type AnthropicStreamEventsOptions,
  type AnthropicToolUseFixture,
  type AnthropicUsageOptions,
  anthropicError,
  anthropicErrorEvent,
  anthropicErrorType,
  anthropicMessage,
  anthropicStreamEvents,
  anthropicUsage,
} from './anthropic-fixtures.js';
export { defaultFakeAnthropicModels, startFakeAnthropic } from './fake-anthropic.js';
export type * from './types.js';
