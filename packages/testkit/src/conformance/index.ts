/**
 * `@switchyard/testkit/conformance`: the provider conformance kit. It imports vitest (a peer dependency),
 * which is why it lives in its own entry point and not in `@switchyard/testkit`.
 */
export { anthropicConformanceScripts } from './anthropic-conformance-scripts.js';
export {
  conformanceTextPieces,
  conformanceUsage,
  forwardedFieldValues,
  planConformanceChecks,
  providerConformanceChecks,
} from './conformance-checks.js';
export { defaultConformanceApiKey, defineProviderConformance } from './define-provider-conformance.js';
export { geminiConformanceScripts } from './gemini-conformance-scripts.js';
export { openAIConformanceScripts } from './openai-conformance-scripts.js';
export type * from './types.js';
