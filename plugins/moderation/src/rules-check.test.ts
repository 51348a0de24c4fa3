import { describe, expect, it } from 'vitest';
import { createRulesCheck } from './rules-check.js';

const signal = new AbortController().signal;

describe('createRulesCheck', () => {
  const check = createRulesCheck({
    deny: ['forbidden', 'launch  codes'],
    regex: ['\\b\\d{3}-\\d{2}-\\d{4}\\b', { pattern: 'secret\\s+project\\s+\\w+', category: 'confidential' }],
  });

  it('flags deny-list words and phrases as whole words, case- and whitespace-insensitively', async () => {
    expect(await check.check('This is FORBIDDEN.', { signal })).toEqual({
      flagged: true,
      categories: ['deny-list'],
      scores: { 'deny-list': 1 },
    });
    expect((await check.check('the launch\n codes are', { signal })).flagged).toBe(true);
    expect((await check.check('unforbiddenly fine', { signal })).flagged).toBe(false);
    expect((await check.check('launch the codes', { signal })).flagged).toBe(false);
  });

  it('flags regexes under their own categories and reports each once', async () => {
    const verdict = await check.check('ssn 123-45-6789 and secret project Apollo, forbidden', { signal });
    expect(verdict.flagged).toBe(true);
    expect([...verdict.categories].sort()).toEqual(['confidential', 'deny-list', 'regex']);
  });

  it('passes clean text and treats deny entries literally (no regex injection)', async () => {
    const literal = createRulesCheck({ deny: ['a.b'] });
    expect((await literal.check('axb', { signal })).flagged).toBe(false);
    expect((await literal.check('see a.b now', { signal })).flagged).toBe(true);
    expect(await check.check('hello world', { signal })).toEqual({ flagged: false, categories: [], scores: {} });
  });

  it('matches non-Latin deny words', async () => {
    const cjk = createRulesCheck({ deny: ['违禁词'] });
    expect((await cjk.check('这是 违禁词 测试', { signal })).flagged).toBe(true);
  });

  it('fails at construction on an invalid regex, naming the rule', () => {
    expect(() => createRulesCheck({ regex: ['ok', '(unclosed'] })).toThrow(/regex\[1\]/);
  });
});
