import type { EmbeddingRequest } from '@switchyard/spec';

/** FNV-1a, 32 bits: a stable hash of a text. */
function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic unit-length vector for a text. Components are float32 values, so the base64 encoding
 * (little-endian float32, as OpenAI sends it) decodes back to exactly these numbers.
 */
export function embeddingVector(text: string, dimensions: number): number[] {
  const random = seededRandom(hashText(text));
  const raw = Array.from({ length: dimensions }, () => random() * 2 - 1);
  const norm = Math.sqrt(raw.reduce((sum, component) => sum + component * component, 0)) || 1;
  return raw.map((component) => Math.fround(component / norm));
}

/** Encodes a vector as OpenAI does for `encoding_format: "base64"`: little-endian float32 bytes. */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const buffer = Buffer.alloc(vector.length * 4);
  for (const [index, component] of vector.entries()) buffer.writeFloatLE(component, index * 4);
  return buffer.toString('base64');
}

/** The request's inputs as texts (token-id arrays become their ids joined by spaces). */
export function embeddingInputs(input: EmbeddingRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  const items: Array<string | number | number[]> = input;
  if (items.every((item) => typeof item === 'number')) return [items.join(' ')];
  return items.map((item) => (Array.isArray(item) ? item.join(' ') : String(item)));
}
