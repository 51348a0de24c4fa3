export { type AuthMiddleware, type AuthOptions, auth, type ConfigKey } from './auth.js';
export { type AuthConfig, authConfigSchema, authFromConfig } from './config.js';
export { presentedKey } from './credentials.js';
export type { CreatedKey, KeyAdmin, PublicKeyRecord } from './key-admin.js';
export { displayPrefix, hashKey, issueKey, keyIdOf } from './key-format.js';
export { type KeyRecord, type KeySettings, keySettingsSchema } from './key-record.js';
export { compileModelPatterns } from './model-patterns.js';
