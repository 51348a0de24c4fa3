import { z } from 'zod';

const limitsSchema = z.strictObject({
  rpm: z.number().int().positive().optional(),
  tpm: z.number().int().positive().optional(),
});

const budgetSchema = z.strictObject({
  window: z.enum(['day', 'month']),
  usd: z.number().positive(),
});

/** What an admin may set on a key (through the API, the CLI or the config file). */
export const keySettingsSchema = z.strictObject({
  name: z.string().min(1).max(200),
  team: z.string().min(1).max(200).optional(),
  user: z.string().min(1).max(200).optional(),
  /** Model names or aliases the key may call; `*` globs (`openai/*`, `gpt-4o*`). Absent = every model. */
  models: z.array(z.string().min(1)).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  limits: limitsSchema.optional(),
  budgets: z.array(budgetSchema).optional(),
  /** ISO 8601 time after which the key stops working. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

export type KeySettings = z.infer<typeof keySettingsSchema>;

/** A key as stored: its settings, its hash and its lifecycle. Never holds the key itself. */
export interface KeyRecord extends KeySettings {
  id: string;
  hash: string;
  createdAt: string;
  revokedAt?: string;
  /** After a rotation, the previous hash keeps working until `previousExpiresAt`. */
  previousHash?: string;
  previousExpiresAt?: string;
  /** Where the key came from: the config file (read-only) or the admin API. */
  source: 'config' | 'api';
}

/** The record as the admin API shows it: no hashes. */
export function publicRecord(record: KeyRecord): Omit<KeyRecord, 'hash' | 'previousHash'> {
  const { hash: _hash, previousHash: _previousHash, ...rest } = record;
  return rest;
}
