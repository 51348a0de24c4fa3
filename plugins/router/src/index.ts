export { fullJitterDelay } from './backoff.js';
export { type BreakerAdmission, type BreakerOutcome, type CircuitBreakers, createCircuitBreakers } from './circuit-breaker.js';
export { type CompiledAlias, compileRoutes, RouteConfigError, type RouteConfigIssue } from './compile-routes.js';
export { createRouter, type Router, type RouterOptions } from './create-router.js';
export { DeploymentStats } from './deployment-stats.js';
export { classifyError, type ErrorClass, errorClasses } from './error-class.js';
export { detectLanguage } from './prompt-text.js';
export { retryAfterMs } from './retry-after.js';
export * from './route-schema.js';
