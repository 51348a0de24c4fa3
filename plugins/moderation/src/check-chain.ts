import { moderationUnavailable } from './moderation-errors.js';
import type { FailMode, ModerationCheck, Verdict } from './verdict.js';

export interface CheckChainOptions {
  checks: readonly ModerationCheck[];
  /** Default for checks without their own; `closed` refuses with a 503 when a check cannot decide. */
  failMode?: FailMode;
  /** Default time a check may take before it counts as unavailable. */
  timeoutMs?: number;
}

/** What the chain decided about one text. Holds names and categories only, never the text. */
export interface ChainVerdict extends Verdict {
  /** Checks that flagged the text. */
  flaggedBy: readonly string[];
  /** Checks that could not decide and were let through because their fail mode is `open`. */
  unavailable: readonly string[];
}

export type CheckChain = (text: string, options: { signal: AbortSignal; requestId?: string }) => Promise<ChainVerdict>;

type CheckOutcome =
  | { kind: 'verdict'; check: ModerationCheck; verdict: Verdict }
  | { kind: 'unavailable'; check: ModerationCheck; reason: 'timeout' | 'error'; timeoutMs: number };

async function runCheck(
  check: ModerationCheck,
  text: string,
  parent: AbortSignal,
  requestId: string | undefined,
  timeoutMs: number,
): Promise<CheckOutcome> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const checked = check.check(text, { signal: controller.signal, ...(requestId === undefined ? {} : { requestId }) });
    const outcome = await Promise.race([checked, timedOut]);
    if (outcome === 'timeout') {
      controller.abort(new Error('moderation check timed out'));
      checked.catch(() => {}); // settles later with the abort; nobody waits for it any more
      return { kind: 'unavailable', check, reason: 'timeout', timeoutMs };
    }
    return { kind: 'verdict', check, verdict: outcome };
  } catch (error) {
    if (parent.aborted) throw error; // the client went away: nothing to decide
    return { kind: 'unavailable', check, reason: 'error', timeoutMs };
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}

/**
 * Runs every check on a text, concurrently, each under its own deadline. Flagged wins over unavailable;
 * a check that cannot decide throws a 503 `moderation_unavailable` naming it when its fail mode is
 * `closed`, and is listed in `unavailable` when it is `open`. Nothing is silently skipped.
 */
export function createCheckChain({ checks, failMode = 'closed', timeoutMs = 2_000 }: CheckChainOptions): CheckChain {
  if (!(timeoutMs > 0)) throw new Error('moderation: timeoutMs must be positive.');
  return async (text, { signal, requestId }) => {
    const outcomes = await Promise.all(
      checks.map((check) => runCheck(check, text, signal, requestId, check.timeoutMs ?? timeoutMs)),
    );
    const categories = new Set<string>();
    const scores: Record<string, number> = {};
    const flaggedBy: string[] = [];
    const unavailable: string[] = [];
    let refusal: Error | undefined;
    for (const outcome of outcomes) {
      if (outcome.kind === 'unavailable') {
        if ((outcome.check.failMode ?? failMode) === 'closed') {
          refusal ??= moderationUnavailable(outcome.check.name, outcome.reason, outcome.timeoutMs);
        } else unavailable.push(outcome.check.name);
        continue;
      }
      for (const [category, score] of Object.entries(outcome.verdict.scores)) {
        scores[category] = Math.max(scores[category] ?? 0, score);
      }
      if (!outcome.verdict.flagged) continue;
      flaggedBy.push(outcome.check.name);
      for (const category of outcome.verdict.categories) categories.add(category);
    }
    if (flaggedBy.length === 0 && refusal) throw refusal;
    return { flagged: flaggedBy.length > 0, categories: [...categories], scores, flaggedBy, unavailable };
  };
}
