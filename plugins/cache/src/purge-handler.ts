import type { ServiceHandler, ServiceRequest } from '@switchyard/core';
import { GatewayError, invalidRequest, isGatewayError } from '@switchyard/spec';
import type { EntryStore } from './entry-store.js';
import type { Namespaces } from './namespaces.js';
import type { SemanticCache } from './semantic-cache.js';

export interface PurgeHandlerOptions {
  entries: EntryStore;
  namespaces: Namespaces;
  semantic: SemanticCache | undefined;
  /** Throws a 401/403 GatewayError when the caller is not an admin. */
  authorizeAdmin(request: ServiceRequest): void | Promise<void>;
}

/**
 * `DELETE /admin/cache`: `?key=<hex>` removes one entry; `?model=&tenant=` (either or both) starts a new
 * namespace for what matches (see `namespaces.ts`); no filter purges everything. `model` is the model
 * name as clients request it; `tenant` is the key's team, else its key id.
 */
export function purgeHandler({ entries, namespaces, semantic, authorizeAdmin }: PurgeHandlerOptions): ServiceHandler {
  return {
    method: 'DELETE',
    path: '/admin/cache',
    async handle(request) {
      await authorizeAdmin(request);
      const key = request.query.get('key') || undefined;
      const model = request.query.get('model') || undefined;
      const tenant = request.query.get('tenant') || undefined;
      try {
        if (key !== undefined) {
          if (model !== undefined || tenant !== undefined) {
            throw invalidRequest('Purge either by key or by model/tenant, not both.', { code: 'invalid_purge_filter' });
          }
          if (!/^[0-9a-f]{64}$/.test(key)) {
            throw invalidRequest('key must be a cache key: 64 lower-case hex digits.', {
              code: 'invalid_cache_key',
              param: 'key',
            });
          }
          await entries.delete(key);
          semantic?.index.remove(key);
          await namespaces.bumpEpoch();
          return { body: { object: 'cache.purge', key, purged: true } };
        }
        await namespaces.purge({ ...(model === undefined ? {} : { model }), ...(tenant === undefined ? {} : { tenant }) });
        return { body: { object: 'cache.purge', model: model ?? null, tenant: tenant ?? null, purged: true } };
      } catch (error) {
        if (isGatewayError(error) && error.kind === 'invalid_request') throw error;
        throw new GatewayError({
          message: 'The cache store could not be reached; the purge did not complete.',
          kind: 'unavailable',
          status: 503,
          code: 'cache_unavailable',
          retryable: true,
          cause: error,
        });
      }
    },
  };
}
