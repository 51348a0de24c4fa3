import type { GatewayContext, Middleware, Principal, ServiceRequest, Store } from '@switchyard/core';
import { authenticationError, GatewayError, isGatewayError } from '@switchyard/spec';
import { adminHandlers } from './admin-handlers.js';
import { presentedKey } from './credentials.js';
import { createKeyAdmin, type KeyAdmin } from './key-admin.js';
import { displayPrefix, hashesMatch, hashKey, keyIdOf } from './key-format.js';
import type { KeyRecord, KeySettings } from './key-record.js';
import { createKeyRepository, type KeyRepository } from './key-repository.js';
import { compileModelPatterns } from './model-patterns.js';

/** A key declared in the config file: the key itself (usually `${ENV}`) or its `sha256:` hash (exactly one). */
export type ConfigKey = KeySettings & { id?: string; key?: string; hash?: string };

export interface AuthOptions {
  /** Where keys issued through the admin API live. Without it only config keys work. */
  store?: Store;
  /** Keys from the config file (read-only at run time). */
  keys?: readonly ConfigKey[];
  /** Enables the admin API (`/admin/keys…`) for requests bearing this key. */
  adminKey?: string;
  /** When false, requests without a key pass through with no principal (keys that are sent are still checked). Default true. */
  required?: boolean;
  /**
   * What to do when the store cannot be read: `closed` (default) refuses with 503 `auth_unavailable`;
   * `open` lets the request through as the principal `unverified` and logs a warning.
   */
  failMode?: 'closed' | 'open';
  /** How long a key record read from the store is trusted in process (bounds revocation delay). Default 5 s. */
  cacheTtlMs?: number;
  now?: () => number;
}

export interface AuthMiddleware extends Middleware {
  /** Throws 401 unless the request bears the admin key; for other plugins' admin endpoints. */
  authorizeAdmin(request: Pick<ServiceRequest, 'headers' | 'path'>): void;
  /** Create, list, revoke and rotate keys in code (what the admin API and the CLI use). */
  readonly admin: KeyAdmin;
}

interface ResolvedKey {
  record: KeyRecord;
  allows: (model: string) => boolean;
  principal: Principal;
}

/**
 * Authenticates every request with a gateway key (`Authorization: Bearer`, `x-api-key`, `x-goog-api-key`),
 * checks expiry, revocation and the key's model list, and sets `context.state.principal` for the
 * middleware after it (limits, budgets, cache tenancy, the ledger).
 */
export function auth(options: AuthOptions = {}): AuthMiddleware {
  const { store, adminKey, required = true, failMode = 'closed', now = Date.now } = options;
  const configKeys = new Map<string, ResolvedKey>();
  for (const [index, entry] of (options.keys ?? []).entries()) {
    if ((entry.key === undefined) === (entry.hash === undefined)) {
      throw new Error(`auth.keys[${index}]: give exactly one of \`key\` or \`hash\`.`);
    }
    const hash = entry.hash ?? hashKey(entry.key ?? '');
    const { key: _key, hash: _hash, id, ...settings } = entry;
    const record: KeyRecord = {
      ...settings,
      id: id ?? `config-${index + 1}`,
      hash,
      createdAt: new Date(0).toISOString(),
      source: 'config',
    };
    configKeys.set(hash, resolve(record));
  }
  const repository: KeyRepository | undefined = store
    ? createKeyRepository({ store, cacheTtlMs: options.cacheTtlMs, now })
    : undefined;
  const resolvedCache = new WeakMap<KeyRecord, ResolvedKey>();
  const adminHash = adminKey ? hashKey(adminKey) : undefined;
  const admin = createKeyAdmin({ repository, configKeys: () => [...configKeys.values()].map((key) => key.record), now });

  function resolve(record: KeyRecord): ResolvedKey {
    return {
      record,
      allows: record.models ? compileModelPatterns(record.models) : () => true,
      principal: {
        keyId: record.id,
        name: record.name,
        team: record.team,
        user: record.user,
        metadata: record.metadata,
        limits: record.limits,
        budgets: record.budgets,
      },
    };
  }

  async function lookup(key: string, hash: string): Promise<ResolvedKey | undefined> {
    const fromConfig = configKeys.get(hash);
    if (fromConfig && hashesMatch(fromConfig.record.hash, hash)) return fromConfig;
    const id = keyIdOf(key);
    if (id === undefined || repository === undefined) return undefined;
    const record = await repository.find(id);
    if (record === undefined) return undefined;
    const current = hashesMatch(record.hash, hash);
    const previous =
      !current &&
      record.previousHash !== undefined &&
      hashesMatch(record.previousHash, hash) &&
      record.previousExpiresAt !== undefined &&
      Date.parse(record.previousExpiresAt) > now();
    if (!current && !previous) return undefined;
    let resolved = resolvedCache.get(record);
    if (resolved === undefined) {
      resolved = resolve(record);
      resolvedCache.set(record, resolved);
    }
    return resolved;
  }

  /**
   * Keys seen recently → their resolved record, so the hot path skips hashing and the store. Entries live
   * as long as store records are trusted (`cacheTtlMs`); config keys never change at run time.
   */
  const seenKeys = new Map<string, { resolved: ResolvedKey; until: number }>();
  const seenTtlMs = options.cacheTtlMs ?? 5_000;

  async function resolveKey(key: string): Promise<ResolvedKey | undefined> {
    const seen = seenKeys.get(key);
    if (seen !== undefined && seen.until > now()) return seen.resolved;
    const resolved = await lookup(key, hashKey(key));
    if (resolved !== undefined && seenTtlMs > 0) {
      if (seenKeys.size >= 10_000) seenKeys.clear();
      seenKeys.set(key, { resolved, until: resolved.record.source === 'config' ? Number.POSITIVE_INFINITY : now() + seenTtlMs });
    }
    return resolved;
  }

  async function authenticate(context: GatewayContext): Promise<void> {
    const key = presentedKey(context.http);
    if (key === undefined) {
      if (!required) return;
      throw authenticationError('Missing gateway key: send it as `Authorization: Bearer <key>` or `x-api-key`.', {
        code: 'missing_api_key',
      });
    }
    let resolved: ResolvedKey | undefined;
    try {
      resolved = await resolveKey(key);
    } catch (error) {
      if (failMode === 'open') {
        context.log.warn('auth store unavailable; request admitted unverified (failMode: open)', {
          requestId: context.requestId,
          key: displayPrefix(key),
        });
        context.state.principal = { keyId: 'unverified' };
        context.responseHeaders['x-switchyard-auth'] = 'unverified';
        return;
      }
      throw new GatewayError({
        message: 'The gateway cannot verify keys right now; try again shortly.',
        kind: 'unavailable',
        status: 503,
        code: 'auth_unavailable',
        retryable: true,
        cause: isGatewayError(error) ? error : undefined,
      });
    }
    if (resolved === undefined) {
      throw authenticationError(`Invalid gateway key (${displayPrefix(key)}).`, { code: 'invalid_api_key' });
    }
    const { record } = resolved;
    if (record.revokedAt !== undefined) {
      throw authenticationError(`Gateway key ${record.id} has been revoked.`, { code: 'key_revoked' });
    }
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now()) {
      throw authenticationError(`Gateway key ${record.id} expired at ${record.expiresAt}.`, { code: 'key_expired' });
    }
    const model = context.request.model;
    if (!resolved.allows(model)) {
      throw new GatewayError({
        message: `Gateway key ${record.id} may not use the model "${model.slice(0, 200)}".`,
        kind: 'permission',
        status: 403,
        code: 'model_not_allowed',
        param: 'model',
      });
    }
    context.state.principal = resolved.principal;
  }

  function authorizeAdmin(request: Pick<ServiceRequest, 'headers' | 'path'>): void {
    const key = presentedKey({ method: 'GET', path: request.path, headers: request.headers, ip: undefined });
    if (adminHash === undefined || key === undefined || !hashesMatch(hashKey(key), adminHash)) {
      throw authenticationError('This endpoint needs the admin key.', { code: 'invalid_admin_key' });
    }
  }

  return {
    name: 'auth',
    handlers: adminHash === undefined ? [] : adminHandlers(admin, authorizeAdmin),
    async handle(context, next) {
      await authenticate(context);
      await next();
    },
    authorizeAdmin,
    admin,
  };
}
