export { loggerFromFastify } from './fastify-logger.js';
export { OutboundReadable } from './outbound-readable.js';
export { type SwitchyardPluginOptions, switchyardPlugin } from './switchyard-plugin.js';
