import type { Logger, ModelRegistry, RouteTarget } from '@switchyard/core';
import { isGatewayError } from '@switchyard/spec';
import { type Sliced, sliceByWeight } from './assign-variant.js';
import { type ExperimentConfig, type ExperimentsConfig, instantMs } from './config-schema.js';
import { compileUnitReader, type UnitReader } from './unit-reader.js';

export interface CompiledVariant {
  readonly name: string;
  readonly weight: number;
  /** The model name the variant asks for, if it names one. */
  readonly model?: string;
  /** Targets resolved by the registry at construction; absent = the model is handed to later middleware by name. */
  readonly targets?: RouteTarget[];
  readonly params?: Readonly<Record<string, unknown>>;
  readonly systemPrefix?: string;
}

export interface CompiledExperiment {
  readonly name: string;
  readonly alias: string;
  readonly config: ExperimentConfig;
  /** Hashed with the unit. */
  readonly seed: string;
  readonly readUnit: UnitReader;
  readonly variants: ReadonlyArray<Sliced<CompiledVariant>>;
  readonly control: CompiledVariant;
  readonly startMs: number;
  readonly stopMs: number;
}

/**
 * Checks and indexes the enabled experiments once: weights become slices of [0, 1), schedules become
 * epoch milliseconds, units become readers, and variant models the registry knows become route targets.
 */
export function compileExperiments(
  experiments: ExperimentsConfig,
  { registry, logger }: { registry?: Pick<ModelRegistry, 'resolve'>; logger?: Logger },
): Map<string, CompiledExperiment> {
  const byAlias = new Map<string, CompiledExperiment>();
  for (const [name, config] of Object.entries(experiments)) {
    if (!config.enabled) continue;
    if (byAlias.has(config.alias))
      throw new Error(`experiments.${name}.alias: another enabled experiment is on "${config.alias}".`);
    const variants = Object.entries(config.variants).map(([variantName, variant]): CompiledVariant => {
      const compiled: { -readonly [K in keyof CompiledVariant]: CompiledVariant[K] } = {
        name: variantName,
        weight: variant.weight,
      };
      if (variant.params !== undefined) compiled.params = variant.params;
      if (variant.systemPrefix !== undefined) compiled.systemPrefix = variant.systemPrefix;
      if (variant.model !== undefined) {
        compiled.model = variant.model;
        const targets = resolveTargets(registry, variant.model);
        if (targets) compiled.targets = targets;
        else if (registry) {
          logger?.info('experiment variant model left to later middleware', {
            experiment: name,
            variant: variantName,
            model: variant.model,
          });
        }
      }
      return compiled;
    });
    const sliced = sliceByWeight(variants);
    const control = sliced.find((variant) => variant.name === config.control);
    if (!control) throw new Error(`experiments.${name}.control: "${config.control}" is not one of the variants.`);
    byAlias.set(config.alias, {
      name,
      alias: config.alias,
      config,
      seed: config.salt ?? name,
      readUnit: compileUnitReader(config.unit),
      variants: sliced,
      control,
      startMs: config.start === undefined ? Number.NEGATIVE_INFINITY : instantMs(config.start),
      stopMs: config.stop === undefined ? Number.POSITIVE_INFINITY : instantMs(config.stop),
    });
  }
  return byAlias;
}

/** Targets for a model name, or undefined when the registry does not know it (a router alias, say). */
function resolveTargets(registry: Pick<ModelRegistry, 'resolve'> | undefined, model: string): RouteTarget[] | undefined {
  if (!registry) return undefined;
  try {
    return registry.resolve(model).targets;
  } catch (error) {
    if (isGatewayError(error) && error.status === 404) return undefined;
    throw error;
  }
}
