import { describe, expect, it } from 'vitest';
import { configSchema } from './config-schema.js';

const base = {
  alias: 'chat',
  variants: { control: { model: 'openai/gpt-4o-mini' }, treatment: { model: 'openai/gpt-4o', weight: 3 } },
  control: 'control',
};

function issues(input: unknown): string[] {
  const result = configSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('configSchema', () => {
  it('fills defaults', () => {
    const parsed = configSchema.parse({ test: base });
    expect(parsed.test).toMatchObject({
      enabled: true,
      unit: 'user',
      whenUnitMissing: 'control',
      decision: { successRateMargin: 0.05, latencyRatioMax: 1.2, minRequests: 100, minFeedback: 30, confidence: 0.95 },
    });
    expect(parsed.test?.variants.control?.weight).toBe(1);
    // Parsing parsed output again changes nothing (the CLI and the report may parse twice).
    expect(configSchema.parse(parsed)).toEqual(parsed);
  });

  it('accepts every kind of unit and lower-cases header names', () => {
    for (const unit of [
      'user',
      'key',
      'session',
      { header: 'X-End-User' },
      { session: 'X-Conversation' },
      { metadata: 'user_id' },
    ]) {
      expect(issues({ test: { ...base, unit } })).toEqual([]);
    }
    expect(configSchema.parse({ test: { ...base, unit: { header: 'X-End-User' } } }).test?.unit).toEqual({
      header: 'x-end-user',
    });
    expect(issues({ test: { ...base, unit: 'ip' } })).not.toEqual([]);
  });

  it('accepts ISO instants with an offset, and dates from YAML 1.1 parsers', () => {
    expect(issues({ test: { ...base, start: '2025-01-01T00:00:00Z', stop: new Date('2025-02-01T00:00:00Z') } })).toEqual([]);
    expect(issues({ test: { ...base, start: 'next monday' } })).not.toEqual([]);
  });

  it('reports each mistake with its path', () => {
    expect(issues({ test: { ...base, control: 'baseline' } })).toContain('test.control: "baseline" is not one of the variants');
    expect(issues({ test: { ...base, variants: { only: {} }, control: 'only' } })).toContain(
      'test.variants: an experiment needs at least two variants',
    );
    expect(issues({ test: { ...base, variants: { control: { weight: 0 }, treatment: { weight: 0 } } } })).toContain(
      'test.variants: at least one variant needs a weight above 0',
    );
    expect(issues({ test: { ...base, start: '2025-02-01T00:00:00Z', stop: '2025-01-01T00:00:00Z' } })).toContain(
      'test.stop: stop must come after start',
    );
    expect(issues({ test: { ...base, variants: { ...base.variants, treatment: { params: { model: 'x' } } } } })).toContain(
      'test.variants.treatment.params.model: a variant may not override "model"',
    );
    expect(issues({ 'bad name!': base })).not.toEqual([]);
    expect(issues({ test: { ...base, variants: { ...base.variants, treatment: { temperature: 0 } } } })).not.toEqual([]);
  });

  it('allows one enabled experiment per alias', () => {
    expect(issues({ first: base, second: base })).toContain(
      'second.alias: the experiment "first" is already enabled on "chat"; disable one of them',
    );
    expect(issues({ first: { ...base, enabled: false }, second: base })).toEqual([]);
  });
});
