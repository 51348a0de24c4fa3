/**
 * Allowed-model lists: exact names or `*` globs (`openai/*`, `gpt-4o*`, `*`). Compiled once per key
 * record into one anchored regular expression.
 */
export function compileModelPatterns(patterns: readonly string[]): (model: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((pattern) => !pattern.includes('*')));
  const globs = patterns.filter((pattern) => pattern.includes('*'));
  const glob =
    globs.length === 0
      ? undefined
      : new RegExp(`^(?:${globs.map((pattern) => pattern.split('*').map(escapeRegExp).join('.*')).join('|')})$`);
  return (model) => exact.has(model) || (glob?.test(model) ?? false);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
