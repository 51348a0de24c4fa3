export { configSchema, type StoreConfig, storeFromConfig } from './config.js';
export { hashSlot, hashTagOf } from './hash-slot.js';
export type { RedisNode, RedisStoreOptions } from './options.js';
export { createRedisLog } from './redis-log.js';
export { createRedisStore } from './redis-store.js';
export { isStoreError, type StoreFailure } from './store-errors.js';
