import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin-detectors.js';
import { createScanner } from './scanner.js';

const rule = { action: 'mask', keepFirst: 0, keepLast: 0 } as const;
const scanner = createScanner(
  builtinDefinitions.map((definition) => ({ definition, rule })),
  [],
);

function found(text: string): Array<[string, string]> {
  const findings = scanner.scan(text);
  if (findings instanceof Promise) throw new Error('built-ins are synchronous');
  return findings.map((finding) => [finding.type, text.slice(finding.start, finding.end)]);
}

describe('email', () => {
  it.each([
    ['write to jane.doe@example.com today', 'jane.doe@example.com'],
    ['<a.b+tag@mail.example.co.uk>', 'a.b+tag@mail.example.co.uk'],
    ['邮箱：zhang_san@qq.com。', 'zhang_san@qq.com'],
    ['mailto:ops@sub-domain.example.org,', 'ops@sub-domain.example.org'],
  ])('finds the address in %s', (text, value) => {
    expect(found(text)).toEqual([['EMAIL', value]]);
  });

  it.each(['user@localhost', 'npm i @scope/package@1.2.3', 'handle @someone on the forum', 'a@b.c'])(
    'finds nothing in %s',
    (text) => {
      expect(found(text)).toEqual([]);
    },
  );
});

describe('phone', () => {
  it.each([
    ['call +1 415 555 2671 now', '+1 415 555 2671'],
    ['+442079460958', '+442079460958'],
    ['+49 (30) 901820', '+49 (30) 901820'],
    ['手机13812345678', '13812345678'],
    ['tel: 138-1234-5678.', '138-1234-5678'],
    ['+86 139 1234 5678', '+86 139 1234 5678'],
    ['008613912345678', '008613912345678'],
  ])('finds the number in %s', (text, value) => {
    expect(found(text)).toEqual([['PHONE', value]]);
  });

  it.each([
    'order 12812345678', // starts 12: not a Chinese mobile prefix
    'id 138123456789', // 12 digits
    'temperature +12 degrees',
    'version 2.13812345678',
  ])('finds nothing in %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('cn_id', () => {
  it.each([
    ['身份证号11010519491231002X', '11010519491231002X'],
    ['id: 440524188001010014.', '440524188001010014'],
  ])('finds the id in %s', (text, value) => {
    expect(found(text)).toEqual([['CN_ID', value]]);
  });

  it('ignores an 18-digit number whose check digit is wrong', () => {
    expect(found('ref 110105194912310021')).toEqual([]);
  });
});

describe('card', () => {
  it.each([
    ['card 4111111111111111 exp 12/29', '4111111111111111'],
    ['4111 1111 1111 1111', '4111 1111 1111 1111'],
    ['5555-5555-5555-4444', '5555-5555-5555-4444'],
    ['amex 3782 822463 10005', '3782 822463 10005'],
    ['6212345678901265', '6212345678901265'],
  ])('finds the number in %s', (text, value) => {
    expect(found(text)).toEqual([['CARD', value]]);
  });

  it.each([
    'card 4111111111111112', // Luhn fails
    'tracking 1234567812345670', // passes Luhn but starts with 1: no card network
    'account 41111111111111111111', // 20 digits
  ])('finds nothing in %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('iban', () => {
  it.each([
    ['IBAN GB82 WEST 1234 5698 7654 32 please', 'GB82 WEST 1234 5698 7654 32'],
    ['DE89370400440532013000', 'DE89370400440532013000'],
  ])('finds the IBAN in %s', (text, value) => {
    expect(found(text)).toEqual([['IBAN', value]]);
  });

  it('ignores an IBAN with a wrong check', () => {
    expect(found('GB82WEST12345698765433')).toEqual([]);
  });
});

describe('ip', () => {
  it.each([
    ['from 192.168.0.17 at noon', '192.168.0.17'],
    ['server 10.0.0.1.', '10.0.0.1'],
    ['v6 2001:db8:85a3::8a2e:370:7334 here', '2001:db8:85a3::8a2e:370:7334'],
    ['loopback ::1', '::1'],
    ['[fe80::1]:8080', 'fe80::1'],
    ['::ffff:192.0.2.128', '::ffff:192.0.2.128'],
  ])('finds the address in %s', (text, value) => {
    expect(found(text)).toEqual([['IP', value]]);
  });

  it.each([
    'meet at 10:30:45',
    'mac 00:1A:2B:3C:4D:5E',
    'version v1.2.3.4',
    'semver 1.2.3.4.5',
    'std::vector and Bad::add',
    '999.1.1.1',
  ])('finds nothing in %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('secret', () => {
  const openai = `sk-proj-${'Ab3dEf6hIj9kLm2nOp5qRs8tUv1w'}`;
  const anthropic = `sk-ant-api03-${'x7Yz0aB1cD2eF3gH4iJ5kL6mN7oP8qR9'}-AA`;
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  it.each([
    ['OpenAI key', `key=${openai}`, openai],
    ['legacy OpenAI key', 'sk-4f9Kq2Lm8Np3Rs7Tv1Wx5Yz0Ab', 'sk-4f9Kq2Lm8Np3Rs7Tv1Wx5Yz0Ab'],
    ['Anthropic key', `ANTHROPIC_API_KEY=${anthropic}`, anthropic],
    ['AWS access key id', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['JWT', `token ${jwt}`, jwt],
    ['bearer token', 'Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
  ])('finds the %s', (_name, text, value) => {
    expect(found(text)).toEqual([['SECRET', value]]);
  });

  it.each([
    'the task-sk-scheduler-configuration module',
    'sk-this-is-just-a-long-slug-name',
    'Bearer YOUR_API_KEY',
    'AKIA12345', // too short
    'eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x', // first segment has no "alg"
  ])('finds nothing in %s', (text) => {
    expect(found(text)).toEqual([]);
  });
});

describe('the combined scan', () => {
  it('finds several kinds in one text, in order, without overlaps', () => {
    const text =
      'Jane (jane@example.com, +44 20 7946 0958) paid with 4111-1111-1111-1111 from 203.0.113.9; ID 11010519491231002X.';
    expect(found(text)).toEqual([
      ['EMAIL', 'jane@example.com'],
      ['PHONE', '+44 20 7946 0958'],
      ['CARD', '4111-1111-1111-1111'],
      ['IP', '203.0.113.9'],
      ['CN_ID', '11010519491231002X'],
    ]);
  });

  it('falls back to a later detector when the first candidate at a position fails its check', () => {
    // Shaped like a Chinese ID (check character should be 4), but a valid 18-digit card number (Luhn).
    expect(found('n 440524199001010037')).toEqual([['CARD', '440524199001010037']]);
    // The same digits with the right ID check character are an ID.
    expect(found('n 440524199001010034')).toEqual([['CN_ID', '440524199001010034']]);
  });

  it('scans a 2 KB prompt in well under a millisecond on average', () => {
    const base = 'The quarterly report is attached; reach me at ops@example.com or +1 415 555 2671 if needed. ';
    const prompt = base.repeat(Math.ceil(2048 / base.length)).slice(0, 2048);
    const rounds = 2000;
    const started = performance.now();
    for (let round = 0; round < rounds; round++) found(prompt);
    const perScanMs = (performance.now() - started) / rounds;
    expect(perScanMs).toBeLessThan(2);
  });
});
