import { describe, expect, it } from 'vitest';
import { isIpv4, isIpv6 } from './ip-address.js';

describe('isIpv4', () => {
  it.each(['192.168.1.1', '0.0.0.0', '255.255.255.255', '8.8.8.8'])('accepts %s', (address) => {
    expect(isIpv4(address)).toBe(true);
  });
  it.each(['256.1.1.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.a'])('rejects %s', (address) => {
    expect(isIpv4(address)).toBe(false);
  });
});

describe('isIpv6', () => {
  it.each([
    '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    '2001:db8:85a3::8a2e:370:7334',
    '::1',
    '::',
    'fe80::1',
    '2001:db8::',
    '::ffff:192.0.2.128',
    '64:ff9b::192.0.2.33',
    '1:2:3:4:5:6:1.2.3.4',
  ])('accepts %s', (address) => {
    expect(isIpv6(address)).toBe(true);
  });
  it.each([
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::1',
    'g::1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::ffff:999.0.2.128',
    '10:20:30',
    '00:1A:2B:3C:4D:5E',
  ])('rejects %s', (address) => {
    expect(isIpv6(address)).toBe(false);
  });
});
