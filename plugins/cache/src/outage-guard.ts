import type { Logger } from '@switchyard/core';
import { toGatewayError } from '@switchyard/spec';

export interface OutageGuardOptions {
  logger: Logger;
  /** What failed, in the log line (`cache store`, `embeddings`). */
  subject: string;
  /** While failures continue, log again at most once per window. */
  windowMs?: number;
  now?: () => number;
}

/**
 * Runs cache side work so that a failure never becomes the client's error: the caller gets `fallback`
 * instead. The first failure of an outage is logged (a warning), later ones are not until the window
 * has passed; the first success after an outage logs the recovery.
 */
export class OutageGuard {
  readonly #logger: Logger;
  readonly #subject: string;
  readonly #windowMs: number;
  readonly #now: () => number;
  #failingSince: number | undefined;
  #loggedAt = 0;
  #failures = 0;

  constructor({ logger, subject, windowMs = 60_000, now = Date.now }: OutageGuardOptions) {
    this.#logger = logger;
    this.#subject = subject;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Whether the last attempt failed. */
  get failing(): boolean {
    return this.#failingSince !== undefined;
  }

  async run<T, F>(operation: () => Promise<T>, fallback: F): Promise<T | F> {
    try {
      const value = await operation();
      this.succeeded();
      return value;
    } catch (error) {
      this.failed(error);
      return fallback;
    }
  }

  succeeded(): void {
    if (this.#failingSince === undefined) return;
    this.#logger.info(`${this.#subject} recovered`, {
      failures: this.#failures,
      outageMs: this.#now() - this.#failingSince,
    });
    this.#failingSince = undefined;
    this.#failures = 0;
  }

  failed(error: unknown): void {
    const now = this.#now();
    this.#failures += 1;
    if (this.#failingSince === undefined) this.#failingSince = now;
    else if (now - this.#loggedAt < this.#windowMs) return;
    this.#loggedAt = now;
    const failure = toGatewayError(error);
    this.#logger.warn(`${this.#subject} unavailable; cache lookups count as misses`, {
      code: failure.code,
      kind: failure.kind,
      failures: this.#failures,
    });
  }
}
