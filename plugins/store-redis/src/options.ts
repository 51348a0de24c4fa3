import type { Logger } from '@switchyard/core';
import type { Cluster, Redis } from 'ioredis';

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS) for one server. */
  url?: string;
  /** Sentinel addresses; with `name`, the master group to follow through failovers. */
  sentinels?: readonly RedisNode[];
  /** The Sentinel master group name (required with `sentinels`). */
  name?: string;
  /** Redis Cluster seed nodes (`redis://host:port` or `{ host, port }`). Scripts' keys must share a hash slot. */
  cluster?: readonly (string | RedisNode)[];
  /** Credentials for Sentinel-managed or Cluster nodes (a `url` carries its own). */
  username?: string;
  password?: string;
  /** Password of the Sentinels themselves, when they have one. */
  sentinelPassword?: string;
  /** Database index (standalone and Sentinel only). */
  db?: number;
  /** TLS for Sentinel-managed or Cluster nodes (a `url` says it with `rediss://`). */
  tls?: boolean;
  /**
   * An existing ioredis client (`Redis` or `Cluster`) instead of the options above. The store does not close
   * it, and its own options (offline queue, retries) are the caller's: create it with
   * `enableOfflineQueue: false` and `maxRetriesPerRequest: 0` for the store's fail-fast behaviour. It must
   * not have an ioredis `keyPrefix` of its own (the store prefixes keys itself).
   */
  client?: Redis | Cluster;
  /** Prepended to every key the store touches. Default `switchyard:`. */
  keyPrefix?: string;
  /** No call waits longer than this, reconnection and script loading included. Default 250. */
  commandTimeoutMs?: number;
  /** How long one connection attempt may take. Default 2000. */
  connectTimeoutMs?: number;
  /** Reconnection backs off exponentially from 50 ms up to this, and never gives up. Default 2000. */
  maxReconnectDelayMs?: number;
  /** Where connection state changes are logged (never with the password). */
  logger?: Logger;
}
