/**
 * A minimal Prometheus registry: counters and a fixed-bucket histogram keyed by label values, rendered in
 * the text exposition format (version 0.0.4). Label sets are bounded by `maxSeries` per metric so a flood
 * of distinct model names cannot grow memory without limit; the overflow goes to one `other` series.
 */
export interface MetricSeries {
  labels: Readonly<Record<string, string>>;
  value: number;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? '' : `{${entries.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

/**
 * The series for a label set, created on first use; past `maxSeries` distinct sets, new ones all share one
 * series whose labels are `other`.
 */
function seriesFor<T>(
  all: Map<string, T>,
  labelNames: readonly string[],
  maxSeries: number,
  labels: Readonly<Record<string, string>>,
  create: (labels: Record<string, string>) => T,
): T {
  let key = labelNames.map((name) => labels[name] ?? '').join('\u0000');
  let series = all.get(key);
  if (series !== undefined) return series;
  let source = labels;
  if (all.size >= maxSeries) {
    source = Object.fromEntries(labelNames.map((name) => [name, 'other']));
    key = labelNames.map(() => 'other').join('\u0000');
    series = all.get(key);
    if (series !== undefined) return series;
  }
  series = create(Object.fromEntries(labelNames.map((name) => [name, source[name] ?? ''])));
  all.set(key, series);
  return series;
}

export class Counter {
  readonly #series = new Map<string, MetricSeries>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly maxSeries = 1000,
  ) {}

  inc(labels: Readonly<Record<string, string>>, by = 1): void {
    seriesFor(this.#series, this.labelNames, this.maxSeries, labels, (bounded) => ({ labels: bounded, value: 0 })).value += by;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const series of this.#series.values()) lines.push(`${this.name}${labelText(series.labels)} ${series.value}`);
    return lines.join('\n');
  }
}

export class Histogram {
  readonly #series = new Map<string, { labels: Record<string, string>; buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    readonly bounds: readonly number[],
    readonly maxSeries = 1000,
  ) {}

  observe(labels: Readonly<Record<string, string>>, value: number): void {
    const series = seriesFor(this.#series, this.labelNames, this.maxSeries, labels, (bounded) => ({
      labels: bounded,
      buckets: this.bounds.map(() => 0),
      sum: 0,
      count: 0,
    }));
    for (const [index, bound] of this.bounds.entries())
      if (value <= bound) series.buckets[index] = (series.buckets[index] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const series of this.#series.values()) {
      for (const [index, bound] of this.bounds.entries()) {
        lines.push(`${this.name}_bucket${labelText({ ...series.labels, le: String(bound) })} ${series.buckets[index]}`);
      }
      lines.push(`${this.name}_bucket${labelText({ ...series.labels, le: '+Inf' })} ${series.count}`);
      lines.push(`${this.name}_sum${labelText(series.labels)} ${series.sum}`);
      lines.push(`${this.name}_count${labelText(series.labels)} ${series.count}`);
    }
    return lines.join('\n');
  }
}
