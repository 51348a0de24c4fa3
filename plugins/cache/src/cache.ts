import {
  type ChatContext,
  createModelRegistry,
  type Logger,
  type Middleware,
  type ServiceRequest,
  type Store,
  silentLogger,
} from '@switchyard/core';
import type { ProviderV1 } from '@switchyard/spec';
import { type CacheKeys, cacheKeys, tenantOf } from './cache-key.js';
import type { CacheState } from './cache-state.js';
import type { CachedEntry } from './cached-entry.js';
import { EntryStore } from './entry-store.js';
import { Namespaces } from './namespaces.js';
import { OutageGuard } from './outage-guard.js';
import { purgeHandler } from './purge-handler.js';
import { recordStream } from './record-stream.js';
import { SemanticCache, type SemanticCacheOptions } from './semantic-cache.js';
import { resultFromEntry } from './serve-entry.js';

export interface SemanticOptions
  extends Omit<SemanticCacheOptions, 'store' | 'provider' | 'model' | 'storeGuard' | 'embeddingGuard' | 'now'> {
  /** `provider/model` resolved through `providers` (or an upstream model id of `provider` when given). */
  embeddingModel: string;
  /** The embeddings provider; default: resolved from `embeddingModel` among `providers`. */
  provider?: ProviderV1;
}

export interface CacheOptions {
  /** L2, shared by instances: the in-memory store or Redis. */
  store: Store;
  logger?: Logger;
  /** Lifetime of an entry. Default 3,600 s. */
  ttlSeconds?: number;
  /** Size bound of the in-process LRU (L1), in characters of cached text. Default 64 Mi. */
  maxBytes?: number;
  /** Larger answers are not cached. Default 1 Mi characters. */
  maxEntryBytes?: number;
  /** Requested model names (aliases or `provider/model`) cached for everyone; `'*'` = all models. */
  models?: readonly string[];
  /** Gateway keys (id or name) or teams whose requests are cached. A key's `metadata.cache: on|off` also works. */
  keys?: readonly string[];
  /** Honour the `x-switchyard-cache: on|off|refresh` request header. Default true. */
  allowRequestOverride?: boolean;
  /** Put the request's `user` in the key (one cache per end user). Default false. */
  partitionByUser?: boolean;
  semantic?: SemanticOptions;
  /** The gateway's providers, to resolve `semantic.embeddingModel`. */
  providers?: readonly ProviderV1[];
  /** Mounts `DELETE /admin/cache`; throws a 401/403 GatewayError for non-admins. */
  authorizeAdmin?: (request: ServiceRequest) => void | Promise<void>;
  /** How often a process checks whether another purged. Default 1,000 ms. */
  epochCheckMs?: number;
  /** While the store keeps failing, log again at most this often. Default 60,000 ms. */
  outageLogWindowMs?: number;
  now?: () => number;
}

type Mode = 'off' | 'bypass' | 'on' | 'refresh';

/**
 * Response caching. Opt-in per model, per key or per request; every request of a cached route says what
 * happened in `x-switchyard-cache` and `context.state.cache`. Place it after auth and PII masking (it must
 * see the request the upstream will see) and before the router.
 */
export function cache({
  store,
  logger = silentLogger,
  ttlSeconds = 3_600,
  maxBytes = 64 * 1024 * 1024,
  maxEntryBytes = 1024 * 1024,
  models = [],
  keys = [],
  allowRequestOverride = true,
  partitionByUser = false,
  semantic: semanticOptions,
  providers = [],
  authorizeAdmin,
  epochCheckMs = 1_000,
  outageLogWindowMs = 60_000,
  now = Date.now,
}: CacheOptions): Middleware {
  const ttlMs = ttlSeconds * 1_000;
  const allModels = models.includes('*');
  const modelSet = new Set(models);
  const keySet = new Set(keys);
  const storeGuard = new OutageGuard({ logger, subject: 'cache store', windowMs: outageLogWindowMs, now });
  const entries = new EntryStore({ store, guard: storeGuard, maxBytes, now });
  const namespaces = new Namespaces({ store, guard: storeGuard, epochCheckMs, now, onEpochChange: () => entries.local.clear() });
  const semantic = semanticOptions ? createSemantic(semanticOptions) : undefined;

  function createSemantic({ embeddingModel, provider, ...rest }: SemanticOptions): SemanticCache {
    let embedder = provider;
    let model = embeddingModel;
    if (!embedder) {
      const target = createModelRegistry(providers).resolve(embeddingModel).targets[0];
      if (!target) throw new Error(`cache: no provider serves the embedding model "${embeddingModel}".`);
      embedder = target.provider;
      model = target.model;
    }
    if (!embedder.embed) throw new Error(`cache: provider "${embedder.id}" cannot embed (semantic.embeddingModel).`);
    const embeddingGuard = new OutageGuard({ logger, subject: 'cache embeddings', windowMs: outageLogWindowMs, now });
    return new SemanticCache({ ...rest, store, provider: embedder, model, storeGuard, embeddingGuard, now });
  }

  function modeFor(context: ChatContext): Mode {
    const principal = context.state.principal;
    const keySetting = principal?.metadata?.cache;
    if (keySetting === 'off') return 'off';
    const configured =
      allModels ||
      modelSet.has(context.request.model) ||
      keySetting === 'on' ||
      (principal !== undefined &&
        (keySet.has(principal.keyId) ||
          (principal.name !== undefined && keySet.has(principal.name)) ||
          (principal.team !== undefined && keySet.has(principal.team))));
    const header = allowRequestOverride ? context.http.headers['x-switchyard-cache']?.trim().toLowerCase() : undefined;
    if (header === 'off') return configured ? 'bypass' : 'off';
    if (header === 'refresh' || header === 'on') return header;
    return configured ? 'on' : 'off';
  }

  function mark(context: ChatContext, state: CacheState): void {
    context.state.cache = state;
    context.responseHeaders['x-switchyard-cache'] = state.status;
    if (state.similarity !== undefined) context.responseHeaders['x-switchyard-cache-similarity'] = state.similarity.toFixed(4);
  }

  function serve(context: ChatContext, entry: CachedEntry): void {
    context.result = resultFromEntry(entry, context.request.stream === true);
  }

  /** Whether an entry can answer: a stream recorded without usage cannot answer a client that asked for it. */
  function usable(entry: CachedEntry | undefined, context: ChatContext): entry is CachedEntry {
    if (!entry) return false;
    return entry.usage || context.request.stream_options?.include_usage !== true;
  }

  /** Records what the upstream answered, once it is complete (streams: as they reach the client). */
  function record(context: ChatContext, cacheKey: CacheKeys, vector: Float32Array | undefined): void {
    const result = context.result;
    if (result?.source !== 'provider') return;
    const base = {
      v: 1 as const,
      ...(result.providerId === undefined ? {} : { providerId: result.providerId }),
      ...(result.model === undefined ? {} : { model: result.model }),
    };
    const save = (entry: CachedEntry) =>
      context.waitUntil(
        (async () => {
          const stored = await entries.write(cacheKey.exact, entry);
          if (stored && vector) await semantic?.add(cacheKey.partition, cacheKey.exact, vector, entry.expiresAt);
        })(),
      );
    if (result.type === 'completion') {
      const body = result.body;
      if (body.textIncludes('"error"') && (body.value as { error?: unknown }).error !== undefined) return;
      if (!Array.isArray(body.value.choices) || body.value.choices.length === 0) return;
      const text = body.text;
      if (text.length > maxEntryBytes) return;
      const storedAt = now();
      save({
        ...base,
        kind: 'completion',
        body: text,
        usage: body.textIncludes('"usage":{'),
        storedAt,
        expiresAt: storedAt + ttlMs,
      });
      return;
    }
    if (result.type !== 'stream') return;
    context.result = {
      ...result,
      parts: recordStream(result.parts, {
        maxChars: maxEntryBytes,
        signal: context.signal,
        onComplete(chunks, usage) {
          const storedAt = now();
          save({ ...base, kind: 'stream', chunks, usage, storedAt, expiresAt: storedAt + ttlMs });
        },
      }),
    };
  }

  async function handleChat(context: ChatContext, next: () => Promise<void>): Promise<void> {
    const mode = modeFor(context);
    if (mode === 'off') return next();
    if (mode === 'bypass') {
      mark(context, { status: 'bypass' });
      return next();
    }
    const request = context.request;
    await namespaces.checkEpoch();
    const generations = await namespaces.generations(tenantOf(context.state.principal), request.model);
    if (!generations) {
      // The store is down: a miss, and nothing to record into.
      mark(context, { status: 'miss' });
      return next();
    }
    const cacheKey = cacheKeys({
      request,
      route: context.route,
      tenant: tenantOf(context.state.principal),
      partitionByUser,
      generations,
    });
    const eligible = semantic !== undefined && semantic.refusal(request) === undefined;
    let vector: Float32Array | undefined;
    if (mode === 'on') {
      const entry = await entries.read(cacheKey.exact);
      if (usable(entry, context)) {
        mark(context, { status: 'hit', key: cacheKey.exact });
        serve(context, entry);
        return;
      }
      if (semantic && eligible) {
        vector = await semantic.embed(request, context.signal, context.requestId);
        const match = vector ? await semantic.search(cacheKey.partition, vector) : undefined;
        if (match) {
          const matched = await entries.read(match.key);
          if (usable(matched, context)) {
            mark(context, { status: 'semantic-hit', similarity: match.similarity, key: match.key });
            serve(context, matched);
            return;
          }
          if (!matched) semantic.index.remove(match.key);
        }
      }
    } else if (semantic && eligible) {
      vector = await semantic.embed(request, context.signal, context.requestId);
    }
    mark(context, { status: mode === 'refresh' ? 'refresh' : 'miss', key: cacheKey.exact });
    await next();
    record(context, cacheKey, vector);
  }

  return {
    name: 'cache',
    ...(authorizeAdmin ? { handlers: [purgeHandler({ entries, namespaces, semantic, authorizeAdmin })] } : {}),
    handle(context, next) {
      if (context.operation !== 'chat') return next();
      return handleChat(context, next);
    },
  };
}
