export { buildFromConfig, type ConfiguredParts } from './build-from-config.js';
export { type CliIo, runCli } from './cli.js';
export { ConfigError, type ConfigIssue } from './config-error.js';
export { configSchema, type ProviderConfig, type SwitchyardConfig } from './config-schema.js';
export { createProviders, providersFromEnv } from './create-providers.js';
export { type GatewayFromConfigOptions, gatewayFromConfig } from './gateway-from-config.js';
export { interpolateEnv } from './interpolate-env.js';
export { loadConfigFile, parseConfig } from './load-config.js';
export { type RunningServer, type StartServerOptions, startServer } from './start-server.js';
