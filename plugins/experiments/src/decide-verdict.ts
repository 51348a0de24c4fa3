import type { DecisionConfig } from './config-schema.js';
import type { Interval } from './statistics.js';

export type VerdictName = 'treatment-wins' | 'control-wins' | 'inconclusive';

/** What the rule needs to know about one arm. */
export interface ArmSummary {
  name: string;
  completed: number;
  successRate?: Interval;
  p50Ms?: number;
  scoreCount: number;
  scoreMean?: number;
}

/** Differences treatment − control, with intervals at the report's confidence. */
export interface ArmDifferences {
  successRate?: Interval;
  score?: Interval;
}

export interface Judgement {
  verdict: VerdictName;
  reasons: string[];
}

type Check = 'pass' | 'fail' | 'unsure';

/**
 * Applies the decision rule to one treatment against control. Each criterion passes, fails, or cannot
 * tell yet; any failure means control wins, all passing means the treatment wins, anything else is
 * inconclusive.
 * - Success rate (non-inferiority): passes when the whole interval of the difference lies above
 *   −margin, fails when it lies wholly below.
 * - Latency: passes when the treatment's p50 is at most `latencyRatioMax` × control's (point estimates,
 *   trusted once both arms have `minRequests`).
 * - Score (only with `scoreMargin`): like the success rate, on Welch's interval of the mean difference.
 */
export function judge(
  control: ArmSummary,
  treatment: ArmSummary,
  differences: ArmDifferences,
  decision: DecisionConfig,
): Judgement {
  if (control.completed < decision.minRequests || treatment.completed < decision.minRequests) {
    return {
      verdict: 'inconclusive',
      reasons: [
        `needs ${decision.minRequests} completed requests per arm (control ${control.completed}, ${treatment.name} ${treatment.completed})`,
      ],
    };
  }
  const checks: Array<[Check, string]> = [
    successCheck(differences.successRate, decision),
    latencyCheck(control, treatment, decision),
  ];
  if (decision.scoreMargin !== undefined)
    checks.push(scoreCheck(control, treatment, differences.score, decision, decision.scoreMargin));
  const results = checks.map(([check]) => check);
  const verdict: VerdictName = results.includes('fail')
    ? 'control-wins'
    : results.every((check) => check === 'pass')
      ? 'treatment-wins'
      : 'inconclusive';
  return { verdict, reasons: checks.map(([check, reason]) => `${check}: ${reason}`) };
}

function successCheck(difference: Interval | undefined, { successRateMargin }: DecisionConfig): [Check, string] {
  const margin = points(successRateMargin);
  if (!difference) return ['unsure', 'no success rate to compare'];
  const described = `success rate difference ${signedPoints(difference.estimate)} points [${signedPoints(difference.low)}, ${signedPoints(difference.high)}]`;
  if (difference.low >= -successRateMargin) return ['pass', `${described} is no worse than −${margin} points`];
  if (difference.high < -successRateMargin) return ['fail', `${described} is worse than −${margin} points`];
  return ['unsure', `${described} may be worse than −${margin} points`];
}

function latencyCheck(control: ArmSummary, treatment: ArmSummary, { latencyRatioMax }: DecisionConfig): [Check, string] {
  if (control.p50Ms === undefined || treatment.p50Ms === undefined || control.p50Ms <= 0) {
    return ['unsure', 'no latency to compare'];
  }
  const ratio = treatment.p50Ms / control.p50Ms;
  const described = `p50 latency ${Math.round(treatment.p50Ms)} ms is ${ratio.toFixed(2)}× control's ${Math.round(control.p50Ms)} ms`;
  return ratio <= latencyRatioMax
    ? ['pass', `${described} (≤ ${latencyRatioMax}×)`]
    : ['fail', `${described} (> ${latencyRatioMax}×)`];
}

function scoreCheck(
  control: ArmSummary,
  treatment: ArmSummary,
  difference: Interval | undefined,
  { minFeedback }: DecisionConfig,
  margin: number,
): [Check, string] {
  if (control.scoreCount < minFeedback || treatment.scoreCount < minFeedback) {
    return [
      'unsure',
      `needs ${minFeedback} scores per arm (control ${control.scoreCount}, ${treatment.name} ${treatment.scoreCount})`,
    ];
  }
  if (!difference) {
    // Every score in both arms is the same value: the means themselves decide.
    const estimate = (treatment.scoreMean ?? 0) - (control.scoreMean ?? 0);
    return estimate >= -margin
      ? ['pass', `mean score difference ${signed(estimate)} without spread`]
      : ['fail', `mean score difference ${signed(estimate)} without spread`];
  }
  const described = `mean score difference ${signed(difference.estimate)} [${signed(difference.low)}, ${signed(difference.high)}]`;
  if (difference.low >= -margin) return ['pass', `${described} is no worse than −${margin}`];
  if (difference.high < -margin) return ['fail', `${described} is worse than −${margin}`];
  return ['unsure', `${described} may be worse than −${margin}`];
}

function points(rate: number): string {
  return String(Math.round(rate * 1000) / 10);
}

function signedPoints(rate: number): string {
  const value = Math.round(rate * 1000) / 10;
  return value > 0 ? `+${value}` : String(value);
}

function signed(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return rounded > 0 ? `+${rounded}` : String(rounded);
}
