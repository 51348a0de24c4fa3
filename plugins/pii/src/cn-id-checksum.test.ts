import { describe, expect, it } from 'vitest';
import { cnIdChecksumCharacter, isChineseIdValid } from './cn-id-checksum.js';

describe('isChineseIdValid (ISO 7064 MOD 11-2)', () => {
  it.each([
    '11010519491231002X', // the sample in GB 11643-1999, check character X
    '11010519491231002x', // lower-case x is accepted
    '440524188001010014', // the standard's second sample
    '110101199003074477',
    '310101200001010018',
  ])('accepts %s', (id) => {
    expect(isChineseIdValid(id)).toBe(true);
  });

  it.each([
    ['wrong check digit', '110105194912310021'],
    ['wrong check digit', '440524188001010015'],
    ['X where a digit belongs', '11010119900307447X'],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['a letter inside', '1101051949123100AX'],
  ])('rejects %s: %s', (_reason, id) => {
    expect(isChineseIdValid(id)).toBe(false);
  });

  it('rejects an impossible birth date even with the right check character', () => {
    const first17 = '11010119900230001';
    expect(isChineseIdValid(first17 + cnIdChecksumCharacter(first17))).toBe(false);
  });

  it('computes the check character', () => {
    expect(cnIdChecksumCharacter('11010519491231002')).toBe('X');
    expect(cnIdChecksumCharacter('44052418800101001')).toBe('4');
  });
});
