import type { ServiceRequest } from '@switchyard/core';
import { z } from 'zod';
import { metrics } from './metrics.js';

/** The `metrics:` section of the config file. */
export const metricsConfigSchema = z.strictObject({
  path: z.string().startsWith('/').default('/metrics'),
  /** Require the admin key to scrape (when `auth.adminKey` is set). */
  requireAdminKey: z.boolean().default(false),
  maxSeries: z.number().int().positive().default(1000),
});

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;

export function metricsFromConfig(
  config: MetricsConfig,
  { authorizeAdmin }: { authorizeAdmin?: (request: ServiceRequest) => void } = {},
) {
  return metrics({
    path: config.path,
    maxSeries: config.maxSeries,
    ...(config.requireAdminKey && authorizeAdmin ? { authorize: authorizeAdmin } : {}),
  });
}
