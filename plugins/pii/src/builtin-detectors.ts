import { isChineseIdValid } from './cn-id-checksum.js';
import { isIbanValid } from './iban.js';
import { isIpv6 } from './ip-address.js';
import { isLuhnValid } from './luhn.js';

/**
 * One built-in detector as a regex source plus a validator. The sources use only non-capturing groups, so
 * the scanner can join them into one alternation and tell the alternatives apart by group number.
 */
export interface PatternDefinition {
  readonly name: BuiltinDetectorName;
  readonly type: string;
  readonly source: string;
  readonly validate?: (value: string) => boolean;
}

export const builtinDetectorNames = ['secret', 'email', 'iban', 'cn_id', 'card', 'phone', 'ip'] as const;
export type BuiltinDetectorName = (typeof builtinDetectorNames)[number];

const hasDigit = /\d/;
const hasLetter = /[A-Za-z]/;

function countDigits(value: string): number {
  let digits = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits;
}

/** A JWT's header is base64url JSON naming its algorithm. */
function isJwtHeader(segment: string): boolean {
  try {
    const base64 = segment.replaceAll('-', '+').replaceAll('_', '/');
    const header = JSON.parse(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))) as unknown;
    return typeof header === 'object' && header !== null && 'alg' in header;
  } catch {
    return false;
  }
}

function isSecret(value: string): boolean {
  if (value.startsWith('sk-')) return hasDigit.test(value) && hasLetter.test(value.slice(3));
  if (value.startsWith('AKIA') || value.startsWith('ASIA')) return true;
  if (value.startsWith('eyJ') && value.includes('.')) return isJwtHeader(value.slice(0, value.indexOf('.')));
  return hasDigit.test(value) && hasLetter.test(value); // a bearer token
}

function isCard(value: string): boolean {
  const digits = countDigits(value);
  return digits >= 13 && digits <= 19 && isLuhnValid(value);
}

function isPhone(value: string): boolean {
  const digits = countDigits(value);
  return digits >= 8 && digits <= 15;
}

function isIp(value: string): boolean {
  return value.includes(':') ? hasDigit.test(value) && isIpv6(value) : true;
}

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** In scan order: at one position the first alternative that matches and validates wins. */
export const builtinDefinitions: readonly PatternDefinition[] = [
  {
    name: 'secret',
    type: 'SECRET',
    source: String.raw`(?<![\w-])(?:sk-[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Za-z])|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)|(?<=\b[Bb]earer[ \t]+)[A-Za-z0-9._~+/-]{16,}=*`,
    validate: isSecret,
  },
  {
    name: 'email',
    type: 'EMAIL',
    source: String.raw`(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])`,
  },
  {
    name: 'iban',
    type: 'IBAN',
    source: String.raw`(?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)`,
    validate: isIbanValid,
  },
  {
    name: 'cn_id',
    type: 'CN_ID',
    source: String.raw`(?<!\w)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\w)`,
    validate: isChineseIdValid,
  },
  {
    name: 'card',
    type: 'CARD',
    source: String.raw`(?<![\w+-])(?:[2-6]\d{12,18}|[2-6]\d{3}(?:[ -]\d{4}){2,3}[ -]\d{1,4}|3\d{3}[ -]\d{6}[ -]\d{4,5})(?![\w-])`,
    validate: isCard,
  },
  {
    name: 'phone',
    type: 'PHONE',
    source: String.raw`(?<![\w+]|\d\.)(?:(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}|\+[1-9]\d{0,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d(?:[ -]?\d){4,13})(?!\d)`,
    validate: isPhone,
  },
  {
    name: 'ip',
    type: 'IP',
    source: String.raw`(?<![\w.])(?:${octet}\.){3}${octet}(?!\w|\.\d)|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:]|\.\d)`,
    validate: isIp,
  },
];
