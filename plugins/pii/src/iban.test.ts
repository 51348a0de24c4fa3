import { describe, expect, it } from 'vitest';
import { isIbanValid } from './iban.js';

describe('isIbanValid (mod-97, country lengths)', () => {
  it.each([
    'GB82WEST12345698765432',
    'GB82 WEST 1234 5698 7654 32',
    'DE89370400440532013000',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'ES9121000418450200051332',
    'CH9300762011623852957',
    'NO9386011117947', // shortest (15)
    'BE68539007547034', // 16
    'MT84MALT011000012345MTLCAST001S', // 31, letters in the account part
  ])('accepts %s', (iban) => {
    expect(isIbanValid(iban)).toBe(true);
  });

  it.each([
    ['one digit changed', 'GB82WEST12345698765433'],
    ['check digits changed', 'GB83WEST12345698765432'],
    ['two digits swapped', 'DE89370400440532010300'],
    ['too short for DE', 'DE8937040044053201300'],
    ['too long for NL', 'NL91ABNA04171643000'],
    ['unknown country', 'ZZ82WEST12345698765432'],
    ['lower case', 'gb82west12345698765432'],
    ['punctuation', 'GB82-WEST-1234-5698-7654-32'],
  ])('rejects %s: %s', (_reason, iban) => {
    expect(isIbanValid(iban)).toBe(false);
  });
});
