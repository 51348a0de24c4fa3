import { describe, expect, it } from 'vitest';
import { countWords, splitWords } from './word-count.js';

describe('splitWords', () => {
  it.each(['hello world', '  leading and trailing  ', 'tabs\tand\nnewlines', 'one', '', '   '])(
    'joins back to %j and has one piece per word',
    (text) => {
      const pieces = splitWords(text);
      expect(pieces.join('')).toBe(text);
      if (countWords(text) > 0) expect(pieces).toHaveLength(countWords(text));
    },
  );

  it('keeps the whitespace after each word', () => {
    expect(splitWords('a b  c')).toEqual(['a ', 'b  ', 'c']);
  });
});
