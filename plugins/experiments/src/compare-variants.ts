import type { DecisionConfig } from './config-schema.js';
import { type ArmSummary, judge, type VerdictName } from './decide-verdict.js';
import { type Interval, momentsOf, proportionDifferenceInterval, twoProportionZTest, welchTTest } from './statistics.js';
import type { CounterField } from './store-layout.js';
import type { VariantReport } from './summarize-variant.js';

export interface TestedDifference {
  /** treatment − control, with its interval. */
  difference: Interval;
  /** z or t. */
  statistic: number;
  pValue: number;
}

export interface Comparison {
  variant: string;
  /** Newcombe interval of the success-rate difference; pooled two-proportion z-test. */
  successRate?: TestedDifference;
  latencyP50Ratio?: number;
  latencyP95Ratio?: number;
  /** Welch interval and t-test of the mean score difference. */
  score?: TestedDifference & { degreesOfFreedom: number };
  /** Newcombe interval of the thumbs-up rate difference; pooled two-proportion z-test. */
  thumbsUp?: TestedDifference;
  verdict: VerdictName;
  reasons: string[];
}

/** One treatment against control: intervals and tests of the differences, and the rule's verdict. */
export function compare(
  control: VariantReport,
  treatment: VariantReport,
  treatmentCounters: Record<CounterField, number>,
  controlCounters: Record<CounterField, number>,
  decision: DecisionConfig,
): Comparison {
  const { confidence } = decision;
  const successes = (report: VariantReport) => report.completed - report.errors;
  const successRate = tested(
    proportionDifferenceInterval(successes(treatment), treatment.completed, successes(control), control.completed, confidence),
    twoProportionZTest(successes(treatment), treatment.completed, successes(control), control.completed),
  );
  const treatmentThumbs = treatment.feedback.thumbs;
  const controlThumbs = control.feedback.thumbs;
  const thumbsUp = tested(
    proportionDifferenceInterval(
      treatmentThumbs.up,
      treatmentThumbs.up + treatmentThumbs.down,
      controlThumbs.up,
      controlThumbs.up + controlThumbs.down,
      confidence,
    ),
    twoProportionZTest(
      treatmentThumbs.up,
      treatmentThumbs.up + treatmentThumbs.down,
      controlThumbs.up,
      controlThumbs.up + controlThumbs.down,
    ),
  );
  const treatmentScores = momentsOf({
    count: treatmentCounters.scoreCount,
    sum: treatmentCounters.scoreSum,
    sumOfSquares: treatmentCounters.scoreSumSquares,
  });
  const controlScores = momentsOf({
    count: controlCounters.scoreCount,
    sum: controlCounters.scoreSum,
    sumOfSquares: controlCounters.scoreSumSquares,
  });
  const welch = treatmentScores && controlScores ? welchTTest(treatmentScores, controlScores, confidence) : undefined;
  const arm = (report: VariantReport, scores: typeof treatmentScores): ArmSummary => ({
    name: report.name,
    completed: report.completed,
    ...(report.latencyMs ? { p50Ms: report.latencyMs.p50 } : {}),
    scoreCount: scores?.count ?? 0,
    ...(scores ? { scoreMean: scores.mean } : {}),
  });
  const judgement = judge(
    arm(control, controlScores),
    arm(treatment, treatmentScores),
    {
      ...(successRate ? { successRate: successRate.difference } : {}),
      ...(welch ? { score: welch.difference } : {}),
    },
    decision,
  );
  return {
    variant: treatment.name,
    ...(successRate ? { successRate } : {}),
    ...(treatment.latencyMs && control.latencyMs
      ? {
          latencyP50Ratio: treatment.latencyMs.p50 / control.latencyMs.p50,
          latencyP95Ratio: treatment.latencyMs.p95 / control.latencyMs.p95,
        }
      : {}),
    ...(welch
      ? {
          score: {
            difference: welch.difference,
            statistic: welch.statistic,
            pValue: welch.pValue,
            degreesOfFreedom: welch.degreesOfFreedom,
          },
        }
      : {}),
    ...(thumbsUp ? { thumbsUp } : {}),
    verdict: judgement.verdict,
    reasons: judgement.reasons,
  };
}

function tested(
  difference: Interval | undefined,
  test: { statistic: number; pValue: number } | undefined,
): TestedDifference | undefined {
  return difference && test ? { difference, statistic: test.statistic, pValue: test.pValue } : undefined;
}
