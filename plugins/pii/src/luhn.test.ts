import { describe, expect, it } from 'vitest';
import { isLuhnValid } from './luhn.js';

describe('isLuhnValid', () => {
  it.each([
    '4111111111111111', // Visa test number
    '4012888888881881',
    '5555555555554444', // Mastercard
    '2223003122003222', // Mastercard 2-series
    '378282246310005', // American Express
    '6011111111111117', // Discover
    '3530111333300000', // JCB
    '6212345678901265', // UnionPay-style, check digit computed
    '79927398713', // the textbook example
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
  ])('accepts %s', (number) => {
    expect(isLuhnValid(number)).toBe(true);
  });

  it.each([
    '4111111111111112',
    '5555555555554445',
    '378282246310006',
    '79927398710',
    '1234567812345678',
    '4111a11111111111',
    '0',
    '',
  ])('rejects %s', (number) => {
    expect(isLuhnValid(number)).toBe(false);
  });

  it('catches every single-digit error of a valid number', () => {
    const valid = '4539578763621486';
    for (let index = 0; index < valid.length; index++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === valid[index]) continue;
        const changed = valid.slice(0, index) + digit + valid.slice(index + 1);
        expect(isLuhnValid(changed)).toBe(false);
      }
    }
  });
});
