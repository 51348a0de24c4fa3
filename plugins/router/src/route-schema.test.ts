import { describe, expect, it } from 'vitest';
import { aliasSchema, breakerSchema, routeNodeSchema } from './route-schema.js';

function issuePaths(value: unknown): string[] {
  const result = aliasSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map((issue) => issue.path.join('.'));
}

describe('aliasSchema', () => {
  it('accepts the documented shapes', () => {
    const shapes: unknown[] = [
      { model: 'openai/gpt-4o' },
      { model: 'openai/gpt-4o', rpm: 500, tpm: 100_000, price: { input: 2.5, output: 10 }, params: { temperature: 0 } },
      { targets: [{ model: 'openai/gpt-4o' }, { model: 'anthropic/claude' }], on: ['rate_limit', 'server', 'quota_exceeded'] },
      {
        strategy: 'weighted',
        targets: [
          { model: 'openai/gpt-4o', weight: 3 },
          { strategy: 'fallback', targets: [{ model: 'azure/gpt-4o' }], weight: 0.5 },
        ],
        retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 5_000 },
        timeouts: { firstTokenMs: 10_000, idleMs: 5_000, responseMs: 60_000, deadlineMs: 120_000 },
      },
      { strategy: 'latency', explore: 0.2, targets: [{ model: 'a/x' }, { alias: 'cheap' }] },
      { strategy: 'cost', targets: [{ model: 'a/x', price: { input: 0, output: 0 } }] },
      { strategy: 'least-busy', targets: [{ model: 'a/x' }] },
      {
        strategy: 'conditional',
        rules: [
          { when: { headers: { 'x-tier': '/^pro/' }, metadata: { team: 'search' } }, target: { model: 'a/x' } },
          {
            when: { language: ['zh', 'ja'], minPromptChars: 0, maxPromptChars: 4_000, hasTools: false },
            target: { alias: 'cjk' },
          },
        ],
        default: { model: 'a/y' },
      },
    ];
    for (const shape of shapes) expect(aliasSchema.safeParse(shape).success, JSON.stringify(shape)).toBe(true);
  });

  it('rejects a zero or negative weight, at its path', () => {
    expect(issuePaths({ model: 'a/x', weight: 0 })).toEqual(['weight']);
    expect(issuePaths({ model: 'a/x', weight: -1 })).toEqual(['weight']);
    expect(issuePaths({ strategy: 'weighted', targets: [{ model: 'a/x', weight: 0 }] })).toEqual(['targets.0.weight']);
    expect(issuePaths({ targets: [{ model: 'a/x' }, { model: 'b/x', weight: -2 }] })).toEqual(['targets.1.weight']);
  });

  it('rejects unknown keys, at the top and in targets', () => {
    expect(aliasSchema.safeParse({ model: 'a/x', modle: 'typo' }).success).toBe(false);
    expect(aliasSchema.safeParse({ targets: [{ model: 'a/x', retries: 2 }] }).success).toBe(false);
    expect(aliasSchema.safeParse({ model: 'a/x', retry: { attempts: 2 } }).success).toBe(false);
    expect(
      aliasSchema.safeParse({ strategy: 'conditional', rules: [{ when: { header: {} }, target: { model: 'a/x' } }] }).success,
    ).toBe(false);
  });

  it('rejects `on` entries that are not snake_case error classes or codes', () => {
    expect(issuePaths({ targets: [{ model: 'a/x' }], on: ['Rate-Limit'] })).toEqual(['on.0']);
    expect(issuePaths({ targets: [{ model: 'a/x' }], on: ['server', '5xx errors'] })).toEqual(['on.1']);
    expect(issuePaths({ targets: [{ model: 'a/x' }], on: [''] })).toEqual(['on.0']);
  });

  it('rejects other out-of-range values', () => {
    expect(issuePaths({ strategy: 'latency', targets: [{ model: 'a/x' }], explore: 1.5 })).toEqual(['explore']);
    expect(issuePaths({ strategy: 'random', targets: [{ model: 'a/x' }] })).toEqual(['strategy']);
    expect(issuePaths({ targets: [] })).toEqual(['targets']);
    expect(issuePaths({ model: 'a/x', rpm: 1.5 })).toEqual(['rpm']);
    expect(issuePaths({ model: 'a/x', retry: { maxRetries: 11 } })).toEqual(['retry.maxRetries']);
    expect(issuePaths({ model: 'a/x', timeouts: { idleMs: 0 } })).toEqual(['timeouts.idleMs']);
    expect(issuePaths({ strategy: 'conditional', rules: [{ when: { language: ['fr'] }, target: { model: 'a/x' } }] })).toEqual([
      'rules.0.when.language.0',
    ]);
  });
});

describe('routeNodeSchema', () => {
  it('does not accept alias-level settings on a target', () => {
    expect(routeNodeSchema.safeParse({ model: 'a/x' }).success).toBe(true);
    expect(routeNodeSchema.safeParse({ model: 'a/x', retry: { maxRetries: 1 } }).success).toBe(false);
  });
});

describe('breakerSchema', () => {
  it('accepts an error rate in (0, 1] only', () => {
    expect(breakerSchema.safeParse({ errorRate: 1 }).success).toBe(true);
    expect(breakerSchema.safeParse({ errorRate: 0 }).success).toBe(false);
    expect(breakerSchema.safeParse({ errorRate: 1.1 }).success).toBe(false);
    expect(breakerSchema.safeParse({ halfOpenProbes: 0 }).success).toBe(false);
  });
});
