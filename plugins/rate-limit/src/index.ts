export { type RateLimitConfig, rateLimitConfigSchema, rateLimitFromConfig } from './config.js';
export { estimateTokens } from './estimate.js';
export { adjustScript, admitScript, PERIOD_MS } from './gcra.js';
export { formatDuration, type RateLimitOptions, rateLimit } from './rate-limit.js';
