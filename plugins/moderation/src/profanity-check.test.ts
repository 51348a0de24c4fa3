import { describe, expect, it } from 'vitest';
import { createProfanityCheck } from './profanity-check.js';

const signal = new AbortController().signal;

describe('createProfanityCheck (obscenity)', () => {
  const check = createProfanityCheck();

  it('flags profanity, including common obfuscations', async () => {
    expect(await check.check('what the fuck', { signal })).toEqual({
      flagged: true,
      categories: ['profanity'],
      scores: { profanity: 1 },
    });
    expect((await check.check('this is sh1t', { signal })).flagged).toBe(true);
  });

  it('passes clean text, including words that merely contain a profane substring', async () => {
    expect((await check.check('The weather in Scunthorpe is fine.', { signal })).flagged).toBe(false);
    expect((await check.check('Please assess the class assignment.', { signal })).flagged).toBe(false);
  });

  it('reports a custom category', async () => {
    const custom = createProfanityCheck({ category: 'obscene' });
    expect((await custom.check('fuck', { signal })).categories).toEqual(['obscene']);
  });
});
