import type { Comparison, ExperimentReport, VariantReport } from './experiment-report.js';

/**
 * The readout as a plain-text table for terminals (`switchyard experiments report <name>`): one row per
 * variant, then each treatment against control, then the verdict and its reason.
 */
export function formatReport(report: ExperimentReport): string {
  const level = `${Math.round(report.confidence * 100)}%`;
  const lines: string[] = [];
  const schedule = [report.start ? `from ${report.start}` : '', report.stop ? `until ${report.stop}` : '']
    .filter(Boolean)
    .join(' ');
  lines.push(`Experiment ${report.experiment} on "${report.alias}": ${report.status}${schedule ? ` (${schedule})` : ''}`);
  lines.push(`Unit: ${report.unit}; control: ${report.control}; intervals at ${level}; generated ${report.generatedAt}`);
  if (report.excludedWithoutUnit > 0)
    lines.push(`Requests without a unit (served by control, not counted): ${report.excludedWithoutUnit}`);
  lines.push('');
  lines.push(
    ...table(
      [
        'variant',
        'share',
        'requests',
        `error rate [${level}]`,
        'p50 ms',
        'p95 ms',
        'tokens in/out',
        'cost/req',
        `score [${level}]`,
        'thumbs up',
      ],
      report.variants.map(variantRow),
    ),
  );
  const comparisons = report.comparisons;
  if (comparisons.length > 0) {
    lines.push('');
    lines.push(`Against control (${report.control}):`);
    lines.push(
      ...table(
        [
          'variant',
          'success Δ points',
          'p (z)',
          'p50 ×',
          'p95 ×',
          'score Δ',
          'p (Welch t, df)',
          'thumbs-up Δ points',
          'p (z)',
          'verdict',
        ],
        comparisons.map(comparisonRow),
      ),
    );
    for (const comparison of comparisons) {
      lines.push(`  ${comparison.variant}:`);
      for (const reason of comparison.reasons) lines.push(`    - ${reason}`);
    }
  }
  lines.push('');
  lines.push(`Verdict: ${report.verdict.verdict}${report.verdict.winner ? ` (${report.verdict.winner})` : ''}`);
  lines.push(`Reason: ${report.verdict.reason}`);
  return `${lines.join('\n')}\n`;
}

function variantRow(variant: VariantReport): string[] {
  const { errorRate, latencyMs, tokens, cost, feedback } = variant;
  const score = feedback.score;
  const thumbs = feedback.thumbs;
  return [
    variant.control ? `${variant.name} (control)` : variant.name,
    percent(variant.share, 0),
    variant.aborted > 0 ? `${variant.requests} (${variant.aborted} aborted)` : String(variant.requests),
    errorRate ? `${percent(errorRate.estimate)} [${percent(errorRate.low)}, ${percent(errorRate.high)}]` : '-',
    latencyMs ? String(Math.round(latencyMs.p50)) : '-',
    latencyMs ? String(Math.round(latencyMs.p95)) : '-',
    tokens.meanPrompt !== undefined ? `${round(tokens.meanPrompt, 1)}/${round(tokens.meanCompletion ?? 0, 1)}` : '-',
    cost.meanUsd !== undefined ? `$${cost.meanUsd.toPrecision(3)}` : '-',
    score
      ? `${round(score.mean, 2)}${score.low !== undefined && score.high !== undefined ? ` [${round(score.low, 2)}, ${round(score.high, 2)}]` : ''} n=${score.count}`
      : '-',
    thumbs.upRate ? `${percent(thumbs.upRate.estimate)} n=${thumbs.up + thumbs.down}` : '-',
  ];
}

function comparisonRow(comparison: Comparison): string[] {
  const { successRate, score, thumbsUp } = comparison;
  return [
    comparison.variant,
    successRate ? pointsInterval(successRate.difference) : '-',
    successRate ? `${pValue(successRate.pValue)} (z=${round(successRate.statistic, 2)})` : '-',
    comparison.latencyP50Ratio !== undefined ? round(comparison.latencyP50Ratio, 2) : '-',
    comparison.latencyP95Ratio !== undefined ? round(comparison.latencyP95Ratio, 2) : '-',
    score ? `${signed(score.difference.estimate)} [${signed(score.difference.low)}, ${signed(score.difference.high)}]` : '-',
    score ? `${pValue(score.pValue)} (t=${round(score.statistic, 2)}, df=${round(score.degreesOfFreedom, 1)})` : '-',
    thumbsUp ? pointsInterval(thumbsUp.difference) : '-',
    thumbsUp ? `${pValue(thumbsUp.pValue)} (z=${round(thumbsUp.statistic, 2)})` : '-',
    comparison.verdict,
  ];
}

/** Left-aligned columns separated by two spaces, with a rule under the header. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((width) => '-'.repeat(width))), ...rows.map(render)];
}

function percent(rate: number, digits = 1): string {
  return `${(rate * 100).toFixed(digits)}%`;
}

function pointsInterval({ estimate, low, high }: { estimate: number; low: number; high: number }): string {
  return `${signed(estimate * 100, 1)} [${signed(low * 100, 1)}, ${signed(high * 100, 1)}]`;
}

function pValue(value: number): string {
  return value < 0.001 ? '<0.001' : value.toFixed(3);
}

function round(value: number, digits: number): string {
  return String(Math.round(value * 10 ** digits) / 10 ** digits);
}

function signed(value: number, digits = 2): string {
  const text = round(value, digits);
  return value > 0 && text !== '0' ? `+${text}` : text;
}
