/** What the cache did for a request, as sent in `x-switchyard-cache` and kept in `context.state.cache`. */
export type CacheStatus = 'hit' | 'miss' | 'semantic-hit' | 'refresh' | 'bypass';

export interface CacheState {
  status: CacheStatus;
  /** Cosine similarity of the entry served by a semantic hit. */
  similarity?: number;
  /** The exact-cache key (hex SHA-256) looked up or written; what `DELETE /admin/cache?key=` takes. */
  key?: string;
}

declare module '@switchyard/core' {
  interface GatewayState {
    /** Set by the cache middleware on every request of a cached route (for the ledger and metrics). */
    cache?: CacheState;
  }
}
