export * from './chat-completion.js';
export * from './chat-request.js';
export * from './embedding-request.js';
export * from './errors.js';
export * from './json-payload.js';
export * from './provider.js';
export * from './stream-part.js';
export * from './usage.js';
