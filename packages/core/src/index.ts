export type {
  BudgetSpec,
  ChatContext,
  CompletionResult,
  EmbeddingsContext,
  EmbeddingsResult,
  FinishOutcome,
  GatewayContext,
  GatewayResult,
  GatewayState,
  HttpInfo,
  Principal,
  RateLimitSpec,
  RouteDecision,
  RouteTarget,
  StreamResult,
} from './context.js';
export type { Dialect, EncodedError, StreamEncodeOptions } from './dialect.js';
export { openAIDialect } from './dialects/openai-dialect.js';
export { composeDispatch, type Dispatch, type DispatchInterceptor, type DispatchRequest, providerDispatch } from './dispatch.js';
export { toFetchResponse, toInbound } from './fetch-bridge.js';
export { createGateway, DEFAULT_MAX_BODY_BYTES, type Gateway, type GatewayOptions } from './gateway.js';
export { type Inbound, isStreamBody, type Outbound, type OutboundBody } from './http-types.js';
export { createJsonLogger, type JsonLoggerOptions, type LogFields, type Logger, type LogLevel, silentLogger } from './logger.js';
export { createMemoryLog } from './memory-log.js';
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { composeMiddleware, type Middleware, type Next } from './middleware.js';
export { type AliasTarget, createModelRegistry, type ModelAlias, type ModelRegistry } from './model-registry.js';
export {
  checkPluginCompatibility,
  coreVersion,
  definePlugin,
  isPlugin,
  PLUGIN_API_VERSION,
  type PluginContext,
  type PluginDefinition,
  PluginError,
  type PluginParts,
  parsePluginConfig,
  pluginConfigJsonSchema,
  type SwitchyardPlugin,
  setupPlugins,
} from './plugin.js';
export { primeStream } from './prime-stream.js';
export { requestIdFor } from './request-id.js';
export { satisfiesRange } from './semver-range.js';
export type { ServiceHandler, ServiceRequest, ServiceResponse } from './service-handler.js';
export type { AppendLog, ScriptKeys, SetOptions, Store, StoreScript } from './store.js';
export { type TapHooks, tapAsyncIterable } from './tap-async-iterable.js';
