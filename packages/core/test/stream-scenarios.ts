import fc from 'fast-check';

/** Shared by the dialects' stream property tests: how text is cut into deltas, and what fragments look like. */

/** Cuts a string at the given positions (taken modulo its length), keeping every character. */
export function split(text: string, cuts: number[]): string[] {
  const positions = [...new Set(cuts.map((cut) => (text.length === 0 ? 0 : cut % text.length)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const position of positions) {
    if (position > start) pieces.push(text.slice(start, position));
    start = Math.max(start, position);
  }
  pieces.push(text.slice(start));
  return pieces.filter((piece) => piece.length > 0);
}

/** Up to five short text deltas (graphemes, so emoji and CJK are exercised). */
export const fragments = fc.array(fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }), { maxLength: 5 });

/** A small JSON object, as tool arguments. */
export const jsonObject = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
