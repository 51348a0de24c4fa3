export interface BackoffOptions {
  /** The first retry waits up to this many milliseconds. */
  baseMs: number;
  /** No single wait is longer than this. */
  capMs: number;
}

/** Full jitter: a uniform wait in [0, min(cap, base·2^attempt)) (AWS "Exponential Backoff And Jitter"). */
export function fullJitterDelay(attempt: number, { baseMs, capMs }: BackoffOptions, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
