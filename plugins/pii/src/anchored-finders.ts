import type { PiiMatch } from './detector.js';
import { isIpv6 } from './ip-address.js';

/**
 * Detectors that start from a rare character (`@`, `:`) and grow outwards, instead of trying a regex at
 * every position of the text: most prompts contain few of these characters, so these cost almost nothing.
 */

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** `[A-Za-z0-9._%+-]`: characters of an email's local part. */
function isLocalPart(code: number): boolean {
  return isAlphanumeric(code) || code === 46 || code === 95 || code === 37 || code === 43 || code === 45;
}

function isHexOrColon(code: number): boolean {
  return (code >= 48 && code <= 58) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

/** `\w`, as JavaScript regexes define it (ASCII). */
function isWord(code: number): boolean {
  return isAlphanumeric(code) || code === 95;
}

/** The domain after `@`: dot-separated labels, ending in an alphabetic top-level domain, not followed by a word character. */
const domainPattern =
  /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])/y;

/** Email addresses: ASCII local part and domain (internationalised addresses are not found). */
export function findEmails(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  let from = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', from)) {
    let start = at;
    while (start > from && isLocalPart(text.charCodeAt(start - 1))) start--;
    while (start < at && !isAlphanumeric(text.charCodeAt(start))) start++;
    from = at + 1;
    if (start === at) continue;
    domainPattern.lastIndex = at + 1;
    const domain = domainPattern.exec(text);
    if (domain === null) continue;
    const end = at + 1 + domain[0].length;
    matches.push({ start, end });
    from = end;
  }
  return matches;
}

const digit = /\d/;

/**
 * IPv6 addresses: around each `:`, the longest run of hex digits, colons (and a dotted IPv4 tail), checked
 * as a whole. Runs without a digit (`Bad::add`, `dead::beef`) are not taken for addresses.
 */
export function findIpv6(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  let from = 0;
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', from)) {
    let start = colon;
    while (start > from && isHexOrColon(text.charCodeAt(start - 1))) start--;
    let end = colon + 1;
    while (end < text.length && (isHexOrColon(text.charCodeAt(end)) || text.charCodeAt(end) === 46)) end++;
    while (end > colon + 1 && text.charCodeAt(end - 1) === 46) end--; // a sentence's full stop
    from = Math.max(end, colon + 1);
    if (end - start < 3) continue;
    if (start > 0 && isWord(text.charCodeAt(start - 1))) continue;
    if (end < text.length && isWord(text.charCodeAt(end))) continue;
    const candidate = text.slice(start, end);
    if (digit.test(candidate) && isIpv6(candidate)) matches.push({ start, end });
  }
  return matches;
}
