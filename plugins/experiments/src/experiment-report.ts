import type { Store } from '@switchyard/core';
import { notFound } from '@switchyard/spec';
import { type Comparison, compare } from './compare-variants.js';
import {
  configSchema,
  type DecisionConfig,
  type ExperimentConfig,
  type ExperimentConfigInput,
  type ExperimentsConfig,
  type ExperimentsConfigInput,
  experimentSchema,
  instantMs,
} from './config-schema.js';
import type { VerdictName } from './decide-verdict.js';
import { type CounterField, counterFields, excludedKey, numberOf, readScript, variantReadKeys } from './store-layout.js';
import { summarize, type VariantReport } from './summarize-variant.js';
import { describeUnit } from './unit-reader.js';

export type { Comparison, TestedDifference } from './compare-variants.js';
export type { VariantReport } from './summarize-variant.js';

export interface ExperimentReport {
  experiment: string;
  alias: string;
  unit: string;
  control: string;
  status: 'disabled' | 'scheduled' | 'running' | 'stopped';
  start?: string;
  stop?: string;
  generatedAt: string;
  confidence: number;
  /** Requests that carried no unit and were served by control without being counted. */
  excludedWithoutUnit: number;
  decision: DecisionConfig;
  variants: VariantReport[];
  /** Each treatment against control. */
  comparisons: Comparison[];
  verdict: { verdict: VerdictName; winner?: string; reason: string };
}

export interface ReportOptions {
  /** Epoch ms for the schedule status and `generatedAt`. */
  now?: number;
}

/**
 * The readout of one experiment from the store: per-variant counts, rates with intervals, latency
 * quantiles, tokens, cost and feedback; each treatment tested against control; the decision rule's
 * verdict. `config` is the `experiments` section (the name picks one) or that one experiment's config.
 * Throws a 404 `GatewayError` for a name the section does not have.
 */
export async function experimentReport(
  store: Store,
  name: string,
  config: ExperimentsConfig | ExperimentsConfigInput | ExperimentConfig | ExperimentConfigInput,
  { now = Date.now() }: ReportOptions = {},
): Promise<ExperimentReport> {
  const experiment = pickExperiment(name, config);
  const confidence = experiment.decision.confidence;
  const variantNames = Object.keys(experiment.variants);
  const keys = variantNames.flatMap((variant) => variantReadKeys(name, variant));
  const [values, excluded] = await Promise.all([
    store.run(readScript, keys, [String(keys.length)]),
    store.get(excludedKey(name)),
  ]);
  const totalWeight = Object.values(experiment.variants).reduce((sum, variant) => sum + variant.weight, 0);
  const perVariant = keys.length / variantNames.length;

  const variants = variantNames.map((variant, index) => {
    const slice = Array.from(values)
      .slice(index * perVariant, (index + 1) * perVariant)
      .map(numberOf);
    const counters = Object.fromEntries(counterFields.map((field, at) => [field, slice[at] ?? 0])) as Record<
      CounterField,
      number
    >;
    const buckets = slice.slice(counterFields.length);
    const settings = experiment.variants[variant];
    return summarize(variant, counters, buckets, {
      control: variant === experiment.control,
      model: settings?.model,
      share: totalWeight > 0 ? (settings?.weight ?? 0) / totalWeight : 0,
      confidence,
    });
  });

  const control = variants.find((variant) => variant.report.control);
  if (!control) throw new Error(`The experiment "${name}" has no control variant "${experiment.control}".`);
  const comparisons = variants
    .filter((variant) => !variant.report.control)
    .map((treatment) => compare(control.report, treatment.report, treatment.counters, control.counters, experiment.decision));

  return {
    experiment: name,
    alias: experiment.alias,
    unit: describeUnit(experiment.unit),
    control: experiment.control,
    status: statusOf(experiment, now),
    ...(experiment.start !== undefined ? { start: new Date(instantMs(experiment.start)).toISOString() } : {}),
    ...(experiment.stop !== undefined ? { stop: new Date(instantMs(experiment.stop)).toISOString() } : {}),
    generatedAt: new Date(now).toISOString(),
    confidence,
    excludedWithoutUnit: numberOf(excluded),
    decision: experiment.decision,
    variants: variants.map((variant) => variant.report),
    comparisons,
    verdict: overallVerdict(
      comparisons,
      variants.map((variant) => variant.report),
    ),
  };
}

function pickExperiment(
  name: string,
  config: ExperimentsConfig | ExperimentsConfigInput | ExperimentConfig | ExperimentConfigInput,
): ExperimentConfig {
  if (typeof (config as { alias?: unknown }).alias === 'string') return experimentSchema.parse(config);
  const section = configSchema.parse(config);
  const experiment = Object.hasOwn(section, name) ? section[name] : undefined;
  if (!experiment) throw notFound(`There is no experiment named "${name.slice(0, 64)}".`, { code: 'experiment_not_found' });
  return experiment;
}

function statusOf(experiment: ExperimentConfig, now: number): ExperimentReport['status'] {
  if (!experiment.enabled) return 'disabled';
  if (experiment.start !== undefined && now < instantMs(experiment.start)) return 'scheduled';
  if (experiment.stop !== undefined && now >= instantMs(experiment.stop)) return 'stopped';
  return 'running';
}

/**
 * One verdict for the experiment: a treatment wins when the rule says so (several winners: the highest
 * success rate, then the lowest p50); control wins when it beats every treatment; otherwise inconclusive.
 */
function overallVerdict(comparisons: readonly Comparison[], variants: readonly VariantReport[]): ExperimentReport['verdict'] {
  const winners = comparisons.filter((comparison) => comparison.verdict === 'treatment-wins');
  if (winners.length > 0) {
    const byName = new Map(variants.map((variant) => [variant.name, variant]));
    const ranked = [...winners].sort((first, second) => {
      const a = byName.get(first.variant);
      const b = byName.get(second.variant);
      const rateOrder = (b?.errorRate ? 1 - b.errorRate.estimate : 0) - (a?.errorRate ? 1 - a.errorRate.estimate : 0);
      return rateOrder !== 0 ? rateOrder : (a?.latencyMs?.p50 ?? Infinity) - (b?.latencyMs?.p50 ?? Infinity);
    });
    const winner = ranked[0] as Comparison;
    return {
      verdict: 'treatment-wins',
      winner: winner.variant,
      reason: `${winner.variant} meets every criterion: ${stripChecks(winner.reasons)}`,
    };
  }
  if (comparisons.length > 0 && comparisons.every((comparison) => comparison.verdict === 'control-wins')) {
    return {
      verdict: 'control-wins',
      reason: comparisons.map((comparison) => `${comparison.variant} fails: ${failures(comparison.reasons)}`).join('; '),
    };
  }
  return {
    verdict: 'inconclusive',
    reason:
      comparisons.map((comparison) => `${comparison.variant}: ${comparison.reasons.join('; ')}`).join(' | ') ||
      'no treatment to compare',
  };
}

function stripChecks(reasons: readonly string[]): string {
  return reasons.map((reason) => reason.replace(/^pass: /, '')).join('; ');
}

function failures(reasons: readonly string[]): string {
  return reasons
    .filter((reason) => reason.startsWith('fail: '))
    .map((reason) => reason.slice('fail: '.length))
    .join('; ');
}
