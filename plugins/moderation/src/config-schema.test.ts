import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, moderationFromConfig } from './config-schema.js';

const provider = createOpenAICompatibleProvider({ id: 'openai', baseURL: 'http://127.0.0.1:9/v1' });

describe('configSchema', () => {
  it('parses the documented YAML section with its defaults', () => {
    const config = configSchema.parse(
      parse(`
input: true
output: { holdBackChars: 200 }
rules:
  deny: [forbidden phrase]
  regex: ['\\d{3}-\\d{2}-\\d{4}', { pattern: 'project\\s+x', category: confidential }]
profanity: true
remote:
  provider: openai
  model: omni-moderation-latest
  thresholds: { violence: 0.4, self-harm: 0.2 }
  timeoutMs: 1500
  failMode: open
refusal: Sorry, I can't help with that.
`),
    );
    expect(config).toMatchObject({
      input: true,
      output: { holdBackChars: 200 },
      failMode: 'closed',
      timeoutMs: 2_000,
      endpoint: true,
      remote: { provider: 'openai', thresholds: { violence: 0.4, 'self-harm': 0.2 }, failMode: 'open' },
    });
    expect(config.rules?.regex).toHaveLength(2);
  });

  it('defaults to input and output on, profanity off, fail closed', () => {
    expect(configSchema.parse({ rules: { deny: ['x'] } })).toMatchObject({
      input: true,
      output: true,
      profanity: false,
      failMode: 'closed',
    });
  });

  it('rejects unknown keys, bad thresholds and bad fail modes', () => {
    expect(configSchema.safeParse({ rule: {} }).success).toBe(false);
    expect(configSchema.safeParse({ remote: { provider: 'openai', thresholds: { hate: 2 } } }).success).toBe(false);
    expect(configSchema.safeParse({ failMode: 'sometimes' }).success).toBe(false);
    expect(configSchema.safeParse({ output: { holdBackChars: -1 } }).success).toBe(false);
  });
});

describe('moderationFromConfig', () => {
  it('builds the middleware with the /v1/moderations handler', () => {
    const middleware = moderationFromConfig(configSchema.parse({ profanity: true, remote: { provider: 'openai' } }), {
      providers: [provider],
    });
    expect(middleware.name).toBe('moderation');
    expect(middleware.handlers?.map((handler) => handler.path)).toEqual(['/v1/moderations']);
    const without = moderationFromConfig(configSchema.parse({ profanity: true, endpoint: false }));
    expect(without.handlers).toEqual([]);
  });

  it('fails on a missing provider, an empty chain or an invalid regex', () => {
    expect(() => moderationFromConfig(configSchema.parse({ remote: { provider: 'nope' } }), { providers: [provider] })).toThrow(
      /no provider "nope"/,
    );
    expect(() => moderationFromConfig(configSchema.parse({}))).toThrow(/no checks configured/);
    expect(() => moderationFromConfig(configSchema.parse({ rules: { regex: ['('] } }))).toThrow(/regex\[0\]/);
  });
});
