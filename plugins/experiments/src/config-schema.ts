import { z } from 'zod';

/** Experiment and variant names appear in headers and store keys: letters, digits, `.`, `_`, `-`. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const nameSchema = z.string().regex(namePattern, 'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
const headerNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'expected an HTTP header name')
  .transform((name) => name.toLowerCase());

/**
 * What a request is assigned by (the same unit always gets the same variant):
 * - `user`: the request's `user` field (OpenAI's end-user id);
 * - `key`: the gateway key (`state.principal.keyId`, set by an auth middleware before this one);
 * - `session`: the `x-session-id` header; `{ session: <header> }` names another header;
 * - `{ header: <name> }` reads that request header; `{ metadata: <field> }`: a field of the request's `metadata` object.
 */
export const unitSchema = z.union([
  z.enum(['user', 'key', 'session']),
  z.strictObject({ header: headerNameSchema }),
  z.strictObject({ session: headerNameSchema }),
  z.strictObject({ metadata: z.string().min(1).max(64) }),
]);

/** Request fields a variant may not override: they decide what is asked and how it is delivered. */
const reservedParams = new Set(['model', 'messages', 'stream', 'stream_options']);

export const variantSchema = z.strictObject({
  /** `provider/model`, a core alias, or any name a later middleware (a router alias) serves; absent = the alias itself. */
  model: z.string().min(1).optional(),
  /** Share of the traffic, relative to the other variants' weights. */
  weight: z.number().finite().nonnegative().default(1),
  /** Request fields to override, e.g. `{ temperature: 0.2 }`. */
  params: z
    .record(z.string(), z.unknown())
    .superRefine((params, context) => {
      for (const key of Object.keys(params)) {
        if (reservedParams.has(key))
          context.addIssue({ code: 'custom', path: [key], message: `a variant may not override "${key}"` });
      }
    })
    .optional(),
  /** Text put before the system prompt (a system message is added when there is none). */
  systemPrefix: z.string().min(1).optional(),
});

export const decisionSchema = z.strictObject({
  /** A treatment's success rate may be at most this much (absolute, 0.05 = 5 points) below control's. */
  successRateMargin: z.number().min(0).max(1).default(0.05),
  /** A treatment's p50 latency may be at most this multiple of control's. */
  latencyRatioMax: z.number().positive().default(1.2),
  /** When set, a treatment's mean feedback score may be at most this much below control's. */
  scoreMargin: z.number().nonnegative().optional(),
  /** Completed requests each arm needs before a verdict other than `inconclusive`. */
  minRequests: z.number().int().positive().default(100),
  /** Scored feedback each arm needs before the score criterion counts. */
  minFeedback: z.number().int().positive().default(30),
  /** Confidence level of every interval in the report. */
  confidence: z.number().gt(0.5).lt(1).default(0.95),
});

const instantSchema = z.union([
  z.iso.datetime({ offset: true }),
  // YAML 1.1 parsers turn unquoted timestamps into dates.
  z.date(),
]);

export const experimentSchema = z
  .strictObject({
    /** The model name clients send (a router alias, a core alias, or a name only this experiment serves). */
    alias: z.string().min(1),
    /** When false the experiment routes nothing but its report can still be read. */
    enabled: z.boolean().default(true),
    unit: unitSchema.default('user'),
    /** Requests without the unit: `control` (served by control, not counted) or `random` (a non-sticky draw, counted). */
    whenUnitMissing: z.enum(['control', 'random']).default('control'),
    variants: z.record(nameSchema, variantSchema),
    /** The variant the others are compared with. */
    control: nameSchema,
    /** ISO 8601 instants; outside [start, stop) every request goes to control. */
    start: instantSchema.optional(),
    stop: instantSchema.optional(),
    /** Hashed with the unit instead of the experiment's name; change it to reshuffle assignment. */
    salt: z.string().min(1).optional(),
    decision: decisionSchema.prefault({}),
  })
  .superRefine((experiment, context) => {
    const names = Object.keys(experiment.variants);
    if (names.length < 2)
      context.addIssue({ code: 'custom', path: ['variants'], message: 'an experiment needs at least two variants' });
    if (!names.includes(experiment.control)) {
      context.addIssue({ code: 'custom', path: ['control'], message: `"${experiment.control}" is not one of the variants` });
    }
    const totalWeight = Object.values(experiment.variants).reduce((total, variant) => total + variant.weight, 0);
    if (names.length > 0 && !(totalWeight > 0)) {
      context.addIssue({ code: 'custom', path: ['variants'], message: 'at least one variant needs a weight above 0' });
    }
    if (
      experiment.start !== undefined &&
      experiment.stop !== undefined &&
      instantMs(experiment.start) >= instantMs(experiment.stop)
    ) {
      context.addIssue({ code: 'custom', path: ['stop'], message: 'stop must come after start' });
    }
  });

/** The `experiments:` section of the config file: experiment name → experiment. */
export const configSchema = z.record(nameSchema, experimentSchema).superRefine((experiments, context) => {
  const owners = new Map<string, string>();
  for (const [name, experiment] of Object.entries(experiments)) {
    if (!experiment.enabled) continue;
    const owner = owners.get(experiment.alias);
    if (owner !== undefined) {
      context.addIssue({
        code: 'custom',
        path: [name, 'alias'],
        message: `the experiment "${owner}" is already enabled on "${experiment.alias}"; disable one of them`,
      });
    }
    owners.set(experiment.alias, name);
  }
});

export type ExperimentUnit = z.output<typeof unitSchema>;
export type VariantConfig = z.output<typeof variantSchema>;
export type DecisionConfig = z.output<typeof decisionSchema>;
export type ExperimentConfig = z.output<typeof experimentSchema>;
export type ExperimentConfigInput = z.input<typeof experimentSchema>;
export type ExperimentsConfig = z.output<typeof configSchema>;
/** What a config file or code may write (defaults not yet applied). */
export type ExperimentsConfigInput = z.input<typeof configSchema>;

export function instantMs(instant: string | Date): number {
  return typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
}
