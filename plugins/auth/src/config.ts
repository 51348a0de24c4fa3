import type { Store } from '@switchyard/core';
import { z } from 'zod';
import { type AuthMiddleware, auth } from './auth.js';
import { keySettingsSchema } from './key-record.js';

const configKeySchema = keySettingsSchema.extend({
  /** A stable id for logs and the ledger; defaults to `config-<n>`. */
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,64}$/)
    .optional(),
  /** The key itself, usually `${TEAM_A_KEY}`. */
  key: z.string().min(16).optional(),
  /** Or its hash: `sha256:<64 hex>` (what `switchyard keys hash` prints). */
  hash: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
});

/** The `auth:` section of the config file. */
export const authConfigSchema = z.strictObject({
  required: z.boolean().default(true),
  adminKey: z.string().min(16).optional(),
  failMode: z.enum(['closed', 'open']).default('closed'),
  cacheTtlMs: z.number().int().nonnegative().default(5_000),
  keys: z
    .array(configKeySchema)
    .default([])
    .superRefine((keys, issues) => {
      for (const [index, key] of keys.entries()) {
        if ((key.key === undefined) === (key.hash === undefined)) {
          issues.addIssue({ code: 'custom', path: [index], message: 'give exactly one of `key` or `hash`' });
        }
      }
    }),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function authFromConfig(config: AuthConfig, { store }: { store?: Store } = {}): AuthMiddleware {
  return auth({
    store,
    adminKey: config.adminKey,
    required: config.required,
    failMode: config.failMode,
    cacheTtlMs: config.cacheTtlMs,
    keys: config.keys,
  });
}
