export * from './http-client.js';
export * from './openai-compatible-provider.js';
export * from './read-text.js';
export * from './redact-secrets.js';
export * from './sse-parse.js';
export * from './upstream-error.js';
