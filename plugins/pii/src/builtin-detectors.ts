import { findEmails, findIpv6 } from './anchored-finders.js';
import { isChineseIdValid } from './cn-id-checksum.js';
import type { PiiMatch } from './detector.js';
import { isIbanValid } from './iban.js';
import { isIpv4 } from './ip-address.js';
import { isLuhnValid } from './luhn.js';

/**
 * One built-in detector: a regex source (joined with the others into one alternation, so it may use only
 * non-capturing groups) and/or a finder that starts from a rare anchor character.
 */
export interface PatternDefinition {
  readonly name: BuiltinDetectorName;
  readonly type: string;
  readonly source?: string;
  /** Rejects a regex candidate the pattern over-matches (checksums, ranges). */
  readonly validate?: (value: string) => boolean;
  /** Characters at the start of a regex match that are context, not the value (`Bearer `). */
  readonly skip?: (value: string) => number;
  readonly find?: (text: string) => PiiMatch[];
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

const bearerPrefix = /^[Bb]earer[ \t]+/;

function isSecret(value: string): boolean {
  if (value.startsWith('sk-')) return hasDigit.test(value) && hasLetter.test(value.slice(3));
  if (value.startsWith('AKIA') || value.startsWith('ASIA')) return true;
  if (value.startsWith('eyJ')) return isJwtHeader(value.slice(0, value.indexOf('.')));
  const token = value.replace(bearerPrefix, '');
  return hasDigit.test(token) && hasLetter.test(token);
}

/** `Bearer ` stays in the text; only the token is the secret. */
function bearerLength(value: string): number {
  return value.charCodeAt(0) === 66 || value.charCodeAt(0) === 98 ? (bearerPrefix.exec(value)?.[0].length ?? 0) : 0;
}

function isCard(value: string): boolean {
  const digits = countDigits(value);
  return digits >= 13 && digits <= 19 && isLuhnValid(value);
}

function isPhone(value: string): boolean {
  const digits = countDigits(value);
  return digits >= 8 && digits <= 15;
}

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** After a pattern's first character: the character before it is no word character, `+`, or decimal point. */
const phoneBoundary = String.raw`(?<!(?:[\w+]|\d\.).)`;

/**
 * In scan order: at one position the first alternative that matches and validates wins. Each alternative
 * starts with a character (class) and checks the character before it only after that, which lets the
 * regex engine skip most positions quickly.
 */
export const builtinDefinitions: readonly PatternDefinition[] = [
  {
    name: 'secret',
    type: 'SECRET',
    source: String.raw`s(?<![\w-].)k-[A-Za-z0-9_-]{20,}|A(?<![\w-].)[KS]IA[0-9A-Z]{16}(?![0-9A-Za-z])|e(?<![\w-].)yJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|[Bb](?<![\w-].)earer[ \t]+[A-Za-z0-9._~+/-]{16,}=*`,
    validate: isSecret,
    skip: bearerLength,
  },
  { name: 'email', type: 'EMAIL', find: findEmails },
  {
    name: 'iban',
    type: 'IBAN',
    source: String.raw`[A-Z](?<!\w.)[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)`,
    validate: isIbanValid,
  },
  {
    name: 'cn_id',
    type: 'CN_ID',
    source: String.raw`[1-9](?<!\w.)\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\w)`,
    validate: isChineseIdValid,
  },
  {
    name: 'card',
    type: 'CARD',
    source: String.raw`(?:[2-6](?<![\w+-].)(?:\d{12,18}|\d{3}(?:[ -]\d{4}){2,3}[ -]\d{1,4})|3(?<![\w+-].)\d{3}[ -]\d{6}[ -]\d{4,5})(?![\w-])`,
    validate: isCard,
  },
  {
    name: 'phone',
    type: 'PHONE',
    source: String.raw`(?:\+${phoneBoundary}86[ -]?1|0${phoneBoundary}086[ -]?1|1${phoneBoundary})[3-9]\d(?:[ -]?\d{4}){2}(?!\d)|\+${phoneBoundary}[1-9]\d{0,3}[ -]?(?:\(\d{1,4}\)[ -]?)?\d(?:[ -]?\d){4,13}(?!\d)`,
    validate: isPhone,
  },
  {
    name: 'ip',
    type: 'IP',
    source: String.raw`\d(?<![\w.].)\d{0,2}\.(?:${octet}\.){2}${octet}(?!\w|\.\d)`,
    validate: isIpv4,
    find: findIpv6,
  },
];
