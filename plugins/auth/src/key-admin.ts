import { GatewayError, invalidRequest, notFound } from '@switchyard/spec';
import { issueKey, newKeyId } from './key-format.js';
import { type KeyRecord, type KeySettings, keySettingsSchema, publicRecord } from './key-record.js';
import type { KeyRepository } from './key-repository.js';

export type PublicKeyRecord = ReturnType<typeof publicRecord>;

export interface CreatedKey {
  /** The full key: shown once, never stored. */
  key: string;
  record: PublicKeyRecord;
}

/** Key management, shared by the admin API and code. */
export interface KeyAdmin {
  create(settings: KeySettings): Promise<CreatedKey>;
  list(): Promise<PublicKeyRecord[]>;
  get(id: string): Promise<PublicKeyRecord>;
  update(id: string, changes: Partial<KeySettings>): Promise<PublicKeyRecord>;
  revoke(id: string): Promise<PublicKeyRecord>;
  /** A new secret for the same key id; the old one keeps working for `graceSeconds` (default 0). */
  rotate(id: string, graceSeconds?: number): Promise<CreatedKey>;
  delete(id: string): Promise<void>;
}

export function createKeyAdmin({
  repository,
  configKeys,
  now,
}: {
  repository: KeyRepository | undefined;
  configKeys: () => KeyRecord[];
  now: () => number;
}): KeyAdmin {
  function needRepository(): KeyRepository {
    if (repository === undefined) {
      throw invalidRequest('Keys can only be issued when the gateway has a store.', { code: 'no_key_store' });
    }
    return repository;
  }

  async function load(id: string): Promise<KeyRecord> {
    if (configKeys().some((record) => record.id === id)) {
      throw new GatewayError({
        message: `Key ${id} comes from the config file; change it there.`,
        kind: 'invalid_request',
        status: 409,
        code: 'read_only_key',
      });
    }
    const record = await needRepository().find(id);
    if (record === undefined) throw notFound(`No gateway key with id ${id}.`, { code: 'key_not_found' });
    return record;
  }

  const stamp = () => new Date(now()).toISOString();

  return {
    async create(settings) {
      const parsed = parseSettings(settings, keySettingsSchema);
      const issued = issueKey(newKeyId());
      const record: KeyRecord = { ...parsed, id: issued.id, hash: issued.hash, createdAt: stamp(), source: 'api' };
      await needRepository().save(record);
      return { key: issued.key, record: publicRecord(record) };
    },
    async list() {
      const stored = repository ? await repository.list() : [];
      return [...configKeys(), ...stored].map(publicRecord);
    },
    async get(id) {
      const fromConfig = configKeys().find((record) => record.id === id);
      if (fromConfig) return publicRecord(fromConfig);
      const record = await repository?.find(id);
      if (record === undefined) throw notFound(`No gateway key with id ${id}.`, { code: 'key_not_found' });
      return publicRecord(record);
    },
    async update(id, changes) {
      const record = await load(id);
      const parsed = parseSettings({ ...settingsOf(record), ...changes }, keySettingsSchema);
      const updated: KeyRecord = { ...record, ...parsed };
      await needRepository().save(updated);
      return publicRecord(updated);
    },
    async revoke(id) {
      const record = await load(id);
      const revoked: KeyRecord = { ...record, revokedAt: record.revokedAt ?? stamp() };
      await needRepository().save(revoked);
      return publicRecord(revoked);
    },
    async rotate(id, graceSeconds = 0) {
      if (!Number.isFinite(graceSeconds) || graceSeconds < 0) {
        throw invalidRequest('graceSeconds must be a number of seconds ≥ 0.', { code: 'invalid_grace', param: 'graceSeconds' });
      }
      const record = await load(id);
      const issued = issueKey(record.id);
      const rotated: KeyRecord = { ...record, hash: issued.hash };
      delete rotated.previousHash;
      delete rotated.previousExpiresAt;
      if (graceSeconds > 0) {
        rotated.previousHash = record.hash;
        rotated.previousExpiresAt = new Date(now() + graceSeconds * 1000).toISOString();
      }
      await needRepository().save(rotated);
      return { key: issued.key, record: publicRecord(rotated) };
    },
    async delete(id) {
      await load(id);
      await needRepository().remove(id);
    },
  };
}

function settingsOf(record: KeyRecord): KeySettings {
  const {
    id: _id,
    hash: _h,
    createdAt: _c,
    revokedAt: _r,
    previousHash: _p,
    previousExpiresAt: _e,
    source: _s,
    ...settings
  } = record;
  return settings;
}

function parseSettings(value: unknown, schema: typeof keySettingsSchema): KeySettings {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join('.') || '(body)';
  throw invalidRequest(`Invalid key settings at ${path}: ${issue?.message ?? 'invalid'}.`, {
    code: 'invalid_key_settings',
    param: path,
  });
}
