import type { AppendLog, Logger } from '@switchyard/core';

/** One line of the spend ledger: one per request. Never holds a key, a prompt or a reply. */
export interface LedgerRecord {
  requestId: string;
  /** ISO time the request arrived. */
  time: string;
  keyId?: string;
  team?: string;
  user?: string;
  /** The model name the client asked for (an alias or `provider/model`). */
  model: string;
  /** The provider id and upstream model that answered. */
  provider?: string;
  deployment?: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Whole nano-dollars (1e-9 USD); `null` when the model has no known price. */
  costNano: number | null;
  costUsd: number | null;
  /** The cost was estimated (a stream cut before the upstream reported usage). */
  estimated?: boolean;
  /** Which price entry priced it. */
  price?: string;
  latencyMs: number;
  status: number;
  errorCode?: string;
  stream: boolean;
  aborted?: boolean;
  cache?: string;
  /** For cache hits: what the upstream would have charged (the cached usage at current prices). */
  savedNano?: number;
  savedUsd?: number;
  experiment?: string;
  variant?: string;
}

export interface LedgerWriterOptions {
  log: AppendLog;
  logger?: Logger;
  /** Flush at least this often (ms). Default 200. */
  flushIntervalMs?: number;
  /** Flush as soon as this many records wait. Default 200. */
  batchSize?: number;
  /** Records kept while the log is unreachable; the oldest are dropped (and counted in a log line) past this. */
  maxBuffered?: number;
}

/**
 * Writes ledger records off the hot path: requests hand a record over and return; a timer appends
 * batches to the shared log. While the log is unreachable, records wait (bounded) and are retried.
 */
export function createLedgerWriter({
  log,
  logger,
  flushIntervalMs = 200,
  batchSize = 200,
  maxBuffered = 50_000,
}: LedgerWriterOptions) {
  let buffer: string[] = [];
  let flushing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let dropped = 0;

  function schedule(): void {
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, flushIntervalMs);
    timer.unref();
  }

  async function flush(): Promise<void> {
    if (flushing) return flushing;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    flushing = (async () => {
      try {
        await log.append(batch);
      } catch (error) {
        buffer = batch.concat(buffer);
        if (buffer.length > maxBuffered) {
          dropped += buffer.length - maxBuffered;
          buffer = buffer.slice(buffer.length - maxBuffered);
        }
        logger?.error('ledger write failed; records kept for retry', {
          waiting: buffer.length,
          dropped,
          error: error instanceof Error ? error.message : String(error),
        });
        schedule();
      } finally {
        flushing = undefined;
      }
    })();
    return flushing;
  }

  return {
    write(record: LedgerRecord): void {
      buffer.push(JSON.stringify(record));
      if (buffer.length >= batchSize) void flush();
      else schedule();
    },
    /** Writes everything waiting; resolves when the log has it (or the attempt failed). */
    async flush(): Promise<void> {
      if (timer !== undefined) {
        clearTimeout(timer);
        timer = undefined;
      }
      await flushing;
      await flush();
    },
    get waiting(): number {
      return buffer.length;
    },
  };
}

export type LedgerWriter = ReturnType<typeof createLedgerWriter>;

/** Reads every record still kept in the log, oldest first, in pages. */
export async function readLedger(log: AppendLog, pageSize = 10_000): Promise<LedgerRecord[]> {
  const records: LedgerRecord[] = [];
  const total = await log.length();
  for (let offset = 0; offset < total; offset += pageSize) {
    for (const line of await log.read(offset, pageSize)) {
      try {
        records.push(JSON.parse(line) as LedgerRecord);
      } catch {
        // A line that is not a record (written by something else) is skipped.
      }
    }
  }
  return records;
}
