/**
 * The check interface: anything that can look at a piece of text and say whether it is unsafe. Local
 * rules, a profanity matcher and remote classifiers all implement it, and so can third-party packages
 * (a vendor guardrail, a Presidio service): publish a factory that returns a `ModerationCheck`.
 */

/** What a check says about one text. Never carries the text itself. */
export interface Verdict {
  flagged: boolean;
  /** The categories that were flagged (`violence`, `deny-list`, `profanity`, ...); empty when not flagged. */
  categories: readonly string[];
  /** Category → score in [0, 1], when the check scores (remote classifiers do; rules report 1 per hit). */
  scores: Readonly<Record<string, number>>;
}

export interface CheckOptions {
  /** Aborted when the check's time is up or the client went away: stop all work. */
  signal: AbortSignal;
  /** The gateway request id, to forward to a remote service for tracing. */
  requestId?: string;
}

/** What to do when a check throws or runs past its time: refuse (`closed`) or let the text through (`open`). */
export type FailMode = 'open' | 'closed';

export interface ModerationCheck {
  /** A stable, non-secret name used in logs, errors and `x-switchyard-moderation` (e.g. `rules`, `remote:openai`). */
  readonly name: string;
  /**
   * Classifies `text`. Throwing means "the check could not decide" (service down, bad answer); the
   * middleware then applies the fail mode. A check must not log or echo the text.
   */
  check(text: string, options: CheckOptions): Promise<Verdict>;
  /** Overrides the middleware's `failMode` for this check. */
  readonly failMode?: FailMode;
  /** Overrides the middleware's `timeoutMs` for this check. */
  readonly timeoutMs?: number;
}

export const passed: Verdict = Object.freeze({ flagged: false, categories: Object.freeze([]), scores: Object.freeze({}) });

/** Builds a verdict from flagged categories and optional scores. */
export function verdict(categories: Iterable<string>, scores: Readonly<Record<string, number>> = {}): Verdict {
  const unique = [...new Set(categories)];
  return { flagged: unique.length > 0, categories: unique, scores };
}
