import type { LogFields, Logger } from '@switchyard/core';
import { isGatewayError } from '@switchyard/spec';

export interface LogEntry {
  level: string;
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps every entry, to assert on what was (and was not) logged. */
export function recordingLogger(): Logger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const keep = (level: string) => (message: string, fields?: LogFields) => {
    entries.push({ level, message, fields });
  };
  return {
    entries,
    text: () => JSON.stringify(entries),
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}

/** Collects unhandled rejections while a test runs. */
export function trackUnhandledRejections(): { reasons: unknown[]; stop(): void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => {
    reasons.push(reason);
  };
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

export interface Outcome<T> {
  value?: T;
  error?: unknown;
  /** The error's code when it is a GatewayError. */
  code?: string | null;
  milliseconds: number;
}

/** Runs a call and reports how it settled and how long it took. */
export async function timed<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  const startedAt = performance.now();
  try {
    const value = await call();
    return { value, milliseconds: performance.now() - startedAt };
  } catch (error) {
    return { error, code: isGatewayError(error) ? error.code : undefined, milliseconds: performance.now() - startedAt };
  }
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Retries `call` until it resolves; rejects with the last error after `timeoutMs`. */
export async function eventually<T>(call: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const startedAt = Date.now();
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (Date.now() - startedAt > timeoutMs) throw error;
      await sleep(50);
    }
  }
}
