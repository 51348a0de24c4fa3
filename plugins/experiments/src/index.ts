export { applyOverrides, withSystemPrefix } from './apply-variant.js';
export { bucketOf, pickVariant, sliceByWeight } from './assign-variant.js';
export {
  configSchema,
  type DecisionConfig,
  decisionSchema,
  type ExperimentConfig,
  type ExperimentConfigInput,
  type ExperimentsConfig,
  type ExperimentsConfigInput,
  type ExperimentUnit,
  experimentSchema,
  unitSchema,
  type VariantConfig,
  variantSchema,
} from './config-schema.js';
export type { VerdictName } from './decide-verdict.js';
export {
  type Comparison,
  type ExperimentReport,
  experimentReport,
  type ReportOptions,
  type TestedDifference,
  type VariantReport,
} from './experiment-report.js';
export {
  type Authorize,
  type ExperimentsMiddleware,
  type ExperimentsOptions,
  experimentHeader,
  experiments,
} from './experiments.js';
export { type ExperimentsFromConfigOptions, experimentsFromConfig } from './experiments-from-config.js';
export { type FeedbackBody, feedbackBodySchema } from './feedback-handler.js';
export { formatReport } from './format-report.js';
export * from './statistics.js';
