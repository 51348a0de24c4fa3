/**
 * `@switchyard/testkit/conformance`: the provider conformance kit. It imports vitest (a peer dependency),
 * which is why it lives in its own entry point and not in `@switchyard/testkit`.
 */
export {
  type AdapterConformanceHost,
  type AdapterConformanceOptions,
  type AdapterConformanceSetup,
  defineAdapterConformance,
} from './adapter.js';
export { anthropicConformanceScripts } from './anthropic-conformance-scripts.js';
export {
  conformanceTextPieces,
  conformanceUsage,
  forwardedFieldValues,
  planConformanceChecks,
  providerConformanceChecks,
} from './conformance-checks.js';
export { definePluginConformance, type PluginConformanceOptions } from './define-plugin-conformance.js';
export { defaultConformanceApiKey, defineProviderConformance } from './define-provider-conformance.js';
export { defineStoreConformance } from './define-store-conformance.js';
export { geminiConformanceScripts } from './gemini-conformance-scripts.js';
export { openAIConformanceScripts } from './openai-conformance-scripts.js';
export {
  addScript as conformanceAddScript,
  readScript as conformanceReadScript,
  shapesScript as conformanceShapesScript,
  storeConformanceScripts,
  transferScript as conformanceTransferScript,
  writeScript as conformanceWriteScript,
} from './store-conformance-scripts.js';
export type * from './store-types.js';
export type * from './types.js';
