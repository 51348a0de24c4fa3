import { createHash } from 'node:crypto';

const twoTo48 = 2 ** 48;

/**
 * Where a unit falls in [0, 1) for an experiment: the first 48 bits of SHA-256(seed, NUL, unit). The
 * same seed and unit give the same bucket in every process and on every machine, so assignment is sticky
 * without storing it; different seeds (experiments) give independent buckets.
 */
export function bucketOf(seed: string, unit: string): number {
  return createHash('sha256').update(seed).update('\u0000').update(unit).digest().readUIntBE(0, 6) / twoTo48;
}

export interface WeightedVariant {
  readonly name: string;
  readonly weight: number;
}

/** A variant with the upper end of its slice of [0, 1). */
export type Sliced<TVariant> = TVariant & { readonly upper: number };

/**
 * Cuts [0, 1) into consecutive slices proportional to the weights, in declaration order. Variants with
 * weight 0 get an empty slice. The last non-empty slice ends at exactly 1 so no bucket falls outside.
 */
export function sliceByWeight<TVariant extends WeightedVariant>(variants: readonly TVariant[]): Array<Sliced<TVariant>> {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  if (!(total > 0)) throw new Error('At least one variant needs a weight above 0.');
  let lastFilled = -1;
  for (const [index, variant] of variants.entries()) if (variant.weight > 0) lastFilled = index;
  let cumulative = 0;
  return variants.map((variant, index) => {
    cumulative += variant.weight;
    return { ...variant, upper: index >= lastFilled ? 1 : cumulative / total };
  });
}

/** The variant whose slice holds `bucket` (in [0, 1)). */
export function pickVariant<TVariant>(sliced: ReadonlyArray<Sliced<TVariant>>, bucket: number): Sliced<TVariant> {
  for (const variant of sliced) if (bucket < variant.upper) return variant;
  const last = sliced[sliced.length - 1];
  if (last === undefined) throw new Error('No variants to pick from.');
  return last;
}
