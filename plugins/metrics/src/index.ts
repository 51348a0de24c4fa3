export { type MetricsConfig, metricsConfigSchema, metricsFromConfig } from './config.js';
export { type MetricsMiddleware, type MetricsOptions, metrics } from './metrics.js';
export { Counter, Histogram } from './registry.js';
