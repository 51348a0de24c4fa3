import { histogramQuantile } from './latency-histogram.js';
import { type Interval, meanInterval, momentsOf, wilsonInterval } from './statistics.js';
import type { CounterField } from './store-layout.js';

export interface VariantReport {
  name: string;
  control: boolean;
  model?: string;
  /** Configured share of the traffic (0–1). */
  share: number;
  requests: number;
  /** Requests whose client went away; left out of the rates. */
  aborted: number;
  /** Requests that ended (requests − aborted): the denominator of the rates. */
  completed: number;
  errors: number;
  errorRate?: Interval;
  latencyMs?: { p50: number; p95: number; mean: number };
  tokens: { prompt: number; completion: number; meanPrompt?: number; meanCompletion?: number };
  cost: { usd: number; counted: number; meanUsd?: number };
  feedback: {
    count: number;
    comments: number;
    /** Mean score, with its t interval from two scores on. */
    score?: { count: number; mean: number; low?: number; high?: number };
    thumbs: { up: number; down: number; upRate?: Interval };
  };
}

export interface Summarized {
  report: VariantReport;
  counters: Record<CounterField, number>;
}

export function summarize(
  name: string,
  counters: Record<CounterField, number>,
  buckets: readonly number[],
  { control, model, share, confidence }: { control: boolean; model: string | undefined; share: number; confidence: number },
): Summarized {
  const completed = Math.max(0, counters.requests - counters.aborted);
  const successes = completed - counters.errors;
  const p50 = histogramQuantile(buckets, 0.5);
  const p95 = histogramQuantile(buckets, 0.95);
  const errorRate = wilsonInterval(counters.errors, completed, confidence);
  const score = momentsOf({ count: counters.scoreCount, sum: counters.scoreSum, sumOfSquares: counters.scoreSumSquares });
  const scoreInterval = score ? meanInterval(score, confidence) : undefined;
  const thumbs = counters.thumbsUp + counters.thumbsDown;
  const upRate = wilsonInterval(counters.thumbsUp, thumbs, confidence);
  const report: VariantReport = {
    name,
    control,
    ...(model !== undefined ? { model } : {}),
    share,
    requests: counters.requests,
    aborted: counters.aborted,
    completed,
    errors: counters.errors,
    ...(errorRate ? { errorRate } : {}),
    ...(p50 !== undefined && p95 !== undefined && successes > 0
      ? { latencyMs: { p50, p95, mean: counters.latencySumMs / successes } }
      : {}),
    tokens: {
      prompt: counters.promptTokens,
      completion: counters.completionTokens,
      ...(counters.usageCount > 0
        ? {
            meanPrompt: counters.promptTokens / counters.usageCount,
            meanCompletion: counters.completionTokens / counters.usageCount,
          }
        : {}),
    },
    cost: {
      usd: counters.costUsd,
      counted: counters.costCount,
      ...(counters.costCount > 0 ? { meanUsd: counters.costUsd / counters.costCount } : {}),
    },
    feedback: {
      count: counters.feedback,
      comments: counters.comments,
      ...(score
        ? {
            score: {
              count: score.count,
              mean: score.mean,
              ...(scoreInterval ? { low: scoreInterval.low, high: scoreInterval.high } : {}),
            },
          }
        : {}),
      thumbs: { up: counters.thumbsUp, down: counters.thumbsDown, ...(upRate ? { upRate } : {}) },
    },
  };
  return { report, counters };
}
