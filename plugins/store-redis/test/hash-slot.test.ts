import { describe, expect, it } from 'vitest';
import { hashSlot, hashTagOf } from '../src/index.js';

describe('hashSlot', () => {
  it('matches the Redis Cluster specification examples', () => {
    // CRC16-XMODEM("123456789") = 0x31C3 (the spec's check value).
    expect(hashSlot('123456789')).toBe(0x31c3 % 16_384);
    expect(hashSlot('foo')).toBe(12_182);
    expect(hashSlot('bar')).toBe(5_061);
  });

  it('hashes only the first non-empty {hash tag}', () => {
    expect(hashTagOf('{user1000}.following')).toBe('user1000');
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('{user1000}.followers'));
    expect(hashTagOf('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashTagOf('foo{{bar}}zap')).toBe('{bar');
    expect(hashTagOf('foo{bar}{zap}')).toBe('bar');
    expect(hashTagOf('no-tag')).toBe('no-tag');
    expect(hashTagOf('open{only')).toBe('open{only');
  });
});
