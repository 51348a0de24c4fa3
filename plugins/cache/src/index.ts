export { type CacheOptions, cache, type SemanticOptions } from './cache.js';
export { type CacheKeys, cacheKeys, ignoredRequestFields, type KeyInput, tenantOf } from './cache-key.js';
export type { CacheState, CacheStatus } from './cache-state.js';
export { canonicalJson } from './canonical-json.js';
export { type CacheConfig, type CacheFromConfigOptions, cacheFromConfig, configSchema } from './config.js';
export { SemanticIndex, type SemanticMatch } from './semantic-index.js';
