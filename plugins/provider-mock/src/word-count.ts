/** Number of whitespace-separated words in a text: the mock's deterministic stand-in for a token count. */
export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/**
 * Splits a text into one piece per word, each keeping the whitespace that follows it (and the first one the
 * whitespace before it), so that joining the pieces gives back the exact text.
 */
export function splitWords(text: string): string[] {
  const pieces = text.match(/^\s*\S+\s*|\S+\s*/g);
  if (pieces === null) return text.length > 0 ? [text] : [];
  return pieces;
}
