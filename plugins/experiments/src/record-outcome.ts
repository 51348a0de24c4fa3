import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ChatContext, FinishOutcome, Store } from '@switchyard/core';
import { latencyBucket } from './latency-histogram.js';
import { addScript, assignmentKey, type CounterField, variantKey } from './store-layout.js';

/** What `assignmentKey(requestId)` holds: enough to attribute feedback. */
export interface Assignment {
  experiment: string;
  variant: string;
}

export interface RecordOptions {
  store: Store;
  experiment: string;
  variant: string;
  context: ChatContext;
  outcome: FinishOutcome;
}

/**
 * Adds one finished request to its variant's counters, in one atomic script call. Runs after the
 * response, through `context.waitUntil`.
 */
export async function recordOutcome({ store, experiment, variant, context, outcome }: RecordOptions): Promise<void> {
  // Finish listeners run in the order they were registered; a cost middleware after this one sets its
  // figure in its own listener, so read the state one turn later.
  await nextTurn();
  const keys: string[] = [];
  const amounts: string[] = [];
  const add = (field: CounterField | `lat:${number}`, amount: number) => {
    keys.push(variantKey(experiment, variant, field));
    amounts.push(String(amount));
  };
  add('requests', 1);
  if (outcome.aborted) add('aborted', 1);
  else if (outcome.error !== undefined || outcome.status >= 400) add('errors', 1);
  else {
    add(`lat:${latencyBucket(outcome.durationMs)}`, 1);
    add('latencySumMs', outcome.durationMs);
  }
  const usage = context.usage;
  if (usage && Number.isFinite(usage.prompt_tokens) && Number.isFinite(usage.completion_tokens)) {
    add('usageCount', 1);
    add('promptTokens', usage.prompt_tokens);
    add('completionTokens', usage.completion_tokens);
  }
  const costUsd = costOf(context.state);
  if (costUsd !== undefined) {
    add('costCount', 1);
    add('costUsd', costUsd);
  }
  await store.run(addScript, keys, amounts);
}

/**
 * Remembers which experiment and variant serve a request, for feedback. Written when the variant is
 * assigned (not awaited), so it is in the store by the time the answer reaches the client and feedback
 * sent right after it finds the request.
 */
export function rememberAssignment(store: Store, requestId: string, assignment: Assignment, ttlMs: number): Promise<void> {
  return store.set(assignmentKey(requestId), JSON.stringify(assignment), { ttlMs });
}

/** `state.cost.usd` as a cost middleware may set it; read loosely, as no package here owns that shape. */
function costOf(state: object): number | undefined {
  const cost = (state as { cost?: unknown }).cost;
  if (typeof cost !== 'object' || cost === null) return undefined;
  const usd = (cost as { usd?: unknown }).usd;
  return typeof usd === 'number' && Number.isFinite(usd) && usd >= 0 ? usd : undefined;
}
