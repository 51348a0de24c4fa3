import type { Logger } from '@switchyard/core';
import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';
import type { RedisNode, RedisStoreOptions } from './options.js';

export type RedisClient = Redis | Cluster;

export interface Connection {
  client: RedisClient;
  /** Cluster mode: every script's keys must share a hash slot. */
  cluster: boolean;
  /** The store created the client, so closing the store closes it. */
  owned: boolean;
  /** Where the store connects, for logs: no credentials. */
  target: string;
}

/** The ioredis settings behind the store's promises: no offline queue, no resending, capped reconnection forever. */
function baseOptions({
  connectTimeoutMs,
  commandTimeoutMs,
  maxReconnectDelayMs,
}: {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  maxReconnectDelayMs: number;
}): RedisOptions {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    // A server that accepted commands and then went silent (hung, SIGSTOP) is dropped, so later calls fail at
    // once instead of each waiting out its timeout, and replies to abandoned commands do not pile up.
    socketTimeout: Math.max(1_000, 4 * commandTimeoutMs),
    connectTimeout: connectTimeoutMs,
    retryStrategy: reconnectDelay(maxReconnectDelayMs),
  };
}

/** Exponential backoff from 50 ms, capped, with ±20 % jitter so many gateways do not reconnect in step. */
export function reconnectDelay(maxDelayMs: number): (attempt: number) => number {
  return (attempt) => {
    const delay = Math.min(50 * 2 ** Math.min(attempt - 1, 16), maxDelayMs);
    return Math.max(10, Math.round(delay * (0.8 + 0.4 * Math.random())));
  };
}

function clusterNode(node: string | RedisNode): ClusterNode {
  if (typeof node !== 'string') return { host: node.host, port: node.port };
  const url = new URL(node);
  return { host: url.hostname, port: url.port === '' ? 6379 : Number(url.port) };
}

/** `redis://host:port/db` without user or password, for logs. */
export function redactedUrl(text: string): string {
  try {
    const url = new URL(text);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return 'redis (unparsable url)';
  }
}

export function openConnection(
  options: RedisStoreOptions & { commandTimeoutMs: number; connectTimeoutMs: number; maxReconnectDelayMs: number },
): Connection {
  const modes = [options.client, options.url, options.sentinels, options.cluster].filter((mode) => mode !== undefined);
  if (modes.length !== 1) throw new TypeError('createRedisStore needs exactly one of `url`, `sentinels`, `cluster` or `client`.');
  const base = baseOptions(options);
  const credentials = {
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls ? { tls: {} } : {}),
  };

  if (options.client !== undefined) {
    const cluster = options.client instanceof Cluster || (options.client as { isCluster?: boolean }).isCluster === true;
    return { client: options.client, cluster, owned: false, target: cluster ? 'redis cluster (client)' : 'redis (client)' };
  }
  if (options.url !== undefined) {
    if (!/^rediss?:\/\//.test(options.url)) throw new TypeError('The Redis store url must start with redis:// or rediss://.');
    const client = new Redis(options.url, {
      ...base,
      ...(options.db === undefined ? {} : { db: options.db }),
      lazyConnect: false,
    });
    return { client, cluster: false, owned: true, target: redactedUrl(options.url) };
  }
  if (options.sentinels !== undefined) {
    if (options.name === undefined || options.name === '')
      throw new TypeError('The Redis store needs `name` (the master group) with `sentinels`.');
    if (options.sentinels.length === 0) throw new TypeError('The Redis store needs at least one Sentinel.');
    const client = new Redis({
      ...base,
      ...credentials,
      ...(options.db === undefined ? {} : { db: options.db }),
      ...(options.sentinelPassword === undefined ? {} : { sentinelPassword: options.sentinelPassword }),
      sentinels: options.sentinels.map(({ host, port }) => ({ host, port })),
      name: options.name,
      sentinelRetryStrategy: reconnectDelay(options.maxReconnectDelayMs),
      sentinelCommandTimeout: options.commandTimeoutMs,
    });
    return {
      client,
      cluster: false,
      owned: true,
      target: `redis sentinel master '${options.name}' (${options.sentinels.length} sentinels)`,
    };
  }
  const nodes = (options.cluster ?? []).map(clusterNode);
  if (nodes.length === 0) throw new TypeError('The Redis store needs at least one Cluster node.');
  const { retryStrategy, enableOfflineQueue, ...nodeOptions } = base;
  const client = new Cluster(nodes, {
    enableOfflineQueue,
    clusterRetryStrategy: retryStrategy as (attempt: number) => number,
    slotsRefreshTimeout: Math.max(1_000, options.commandTimeoutMs),
    redisOptions: { ...nodeOptions, ...credentials },
  });
  return { client, cluster: true, owned: true, target: `redis cluster (${nodes.length} seed nodes)` };
}

/**
 * Logs the connection's state changes (ready, lost, back) once each, never the password, and keeps
 * ioredis' `error` events from reaching the process as unhandled. Returns a function that stops watching.
 */
export function watchConnection(connection: Connection, logger: Logger): { detach(): void; everReady(): boolean } {
  const { client, target } = connection;
  let state: 'connecting' | 'ready' | 'down' = client.status === 'ready' ? 'ready' : 'connecting';
  let everReady = state === 'ready';
  let downSince = 0;
  const onReady = () => {
    if (state === 'down') logger.info('redis store reconnected', { target, downMs: Date.now() - downSince });
    else if (state === 'connecting') logger.info('redis store connected', { target });
    state = 'ready';
    everReady = true;
  };
  const onDown = () => {
    if (state === 'ready') {
      logger.warn('redis store disconnected; calls fail until it is back', { target });
      downSince = Date.now();
      state = 'down';
    }
  };
  let lastReason = '';
  const onError = (error: unknown) => {
    const reason = errorReason(error);
    // One line per distinct cause: a server that stays down does not flood the log at every reconnection.
    if (reason === lastReason) return logger.debug('redis store connection error', { target, reason });
    lastReason = reason;
    logger.warn('redis store connection error', { target, reason });
  };
  const onReadyReset = () => {
    lastReason = '';
  };
  const onNodeError = (error: unknown) => logger.debug('redis cluster node error', { target, reason: errorReason(error) });
  const onReconnecting = (delayMs: unknown) =>
    logger.debug('redis store reconnecting', { target, delayMs: typeof delayMs === 'number' ? delayMs : null });
  client.on('ready', onReady);
  client.on('ready', onReadyReset);
  client.on('close', onDown);
  client.on('end', onDown);
  client.on('error', onError);
  client.on('node error', onNodeError);
  client.on('reconnecting', onReconnecting);
  return {
    everReady: () => everReady,
    detach() {
      client.off('ready', onReady);
      client.off('ready', onReadyReset);
      client.off('close', onDown);
      client.off('end', onDown);
      client.off('node error', onNodeError);
      client.off('reconnecting', onReconnecting);
      // The error listener stays: a client that is still shutting down must not emit an unhandled 'error'.
    },
  };
}

/** A short, credential-free reason: a system error code (`ECONNREFUSED`), a Redis error word, or the error's name. */
export function errorReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const { name, message } = error as { name?: unknown; message?: unknown };
  if (name === 'ReplyError' && typeof message === 'string') return /^[A-Z]+/.exec(message)?.[0] ?? 'ReplyError';
  if (
    typeof message === 'string' &&
    /^(Socket timeout|Command timed out|Connection is closed|Ready check failed)/.test(message)
  ) {
    return message.replace(/[.:].*$/, '');
  }
  return typeof name === 'string' ? name : 'unknown';
}
