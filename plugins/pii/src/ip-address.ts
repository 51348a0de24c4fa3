function isHexGroup(group: string): boolean {
  return group.length >= 1 && group.length <= 4 && /^[0-9A-Fa-f]+$/.test(group);
}

const ipv4Pattern = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIpv4(text: string): boolean {
  return ipv4Pattern.test(text);
}

/**
 * Validates an IPv6 address in text form (RFC 4291 section 2.2: full, `::`-compressed, or with a dotted
 * IPv4 tail). Zone ids and brackets are not part of it.
 */
export function isIpv6(text: string): boolean {
  let groups = 8;
  let body = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    if (!isIpv4(text.slice(lastColon + 1))) return false;
    body = text.slice(0, lastColon + 1);
    groups = 6;
    if (!body.endsWith('::')) body = body.slice(0, -1); // `::1.2.3.4` keeps its `::`
  }
  const halves = body.split('::');
  if (halves.length > 2) return false;
  if (halves.length === 1) {
    const parts = body.split(':');
    return parts.length === groups && parts.every(isHexGroup);
  }
  const [head = '', tail = ''] = halves;
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  return headParts.length + tailParts.length < groups && headParts.every(isHexGroup) && tailParts.every(isHexGroup);
}
