/**
 * Just enough semver to check a plugin's `core` range: `1.2.3`, `^1.2.3`, `~1.2.3`, `>=1.2.3`, `<2.0.0`,
 * `1.x`, `*`, ranges joined by spaces (and) or `||` (or). Prerelease tags are compared as lower than the
 * release, without ordering between tags.
 */
type Version = [number, number, number, boolean];

function parse(text: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4] !== undefined];
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a[3] === b[3] ? 0 : a[3] ? -1 : 1;
}

type Check = (version: Version) => boolean;

function comparator(token: string): Check | undefined {
  if (token === '*' || token === 'x' || token === '') return () => true;
  const operator = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(token);
  const op = operator?.[1] ?? '';
  const rest = operator?.[2] ?? '';
  const parts = rest.split('.');
  const wildcard = parts.findIndex((part) => part === 'x' || part === 'X' || part === '*');
  if (wildcard !== -1 || parts.length < 3) {
    // `1.x`, `1.2`, `1`: a range over what is given.
    const fixed = (wildcard === -1 ? parts : parts.slice(0, wildcard)).map(Number);
    if (fixed.some(Number.isNaN) || op !== '') return undefined;
    return (version) => fixed.every((part, index) => version[index] === part);
  }
  const base = parse(rest);
  if (!base) return undefined;
  switch (op) {
    case '>=':
      return (v) => compare(v, base) >= 0;
    case '>':
      return (v) => compare(v, base) > 0;
    case '<=':
      return (v) => compare(v, base) <= 0;
    case '<':
      return (v) => compare(v, base) < 0;
    case '~':
      return (v) => compare(v, base) >= 0 && v[0] === base[0] && v[1] === base[1];
    case '^':
      return (v) => {
        if (compare(v, base) < 0) return false;
        if (base[0] !== 0) return v[0] === base[0];
        if (base[1] !== 0) return v[0] === 0 && v[1] === base[1];
        return v[0] === 0 && v[1] === 0 && v[2] === base[2];
      };
    default:
      return (v) => compare(v, base) === 0;
  }
}

/** Whether `version` is in `range`; false for a range or version this parser cannot read. */
export function satisfiesRange(version: string, range: string): boolean {
  const parsed = parse(version);
  if (!parsed) return false;
  return range.split('||').some((alternative) => {
    const tokens = alternative
      .trim()
      .replace(/([<>=~^]+)\s+/g, '$1')
      .split(/\s+/);
    const checks = tokens.map(comparator);
    return checks.every((check) => check !== undefined) && checks.every((check) => (check as Check)(parsed));
  });
}
