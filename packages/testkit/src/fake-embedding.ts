/**
 * Deterministic embeddings: the same text always yields the same vector, across runs and machines,
 * so tests can compute the expected value instead of hard-coding it.
 */
import { createHash } from 'node:crypto';

/**
 * The fake's vector for `text`: `dimensions` float32-exact values in [-1, 1], derived from SHA-256
 * of the text. Values are `Math.fround`ed so the number array and its base64 float32 form agree.
 */
export function fakeEmbedding({ text, dimensions = 8 }: { text: string; dimensions?: number }): number[] {
  const values: number[] = [];
  for (let block = 0; values.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let offset = 0; offset + 4 <= digest.length && values.length < dimensions; offset += 4) {
      const unit = digest.readUInt32LE(offset) / 0xffffffff;
      values.push(Math.fround(unit * 2 - 1));
    }
  }
  return values;
}

/** Base64 of the little-endian float32 bytes, as OpenAI returns with `encoding_format: 'base64'`. */
export function encodeFloat32Base64(values: number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  for (const [index, value] of values.entries()) buffer.writeFloatLE(value, index * 4);
  return buffer.toString('base64');
}

/** Decodes a base64 float32 embedding back to numbers. */
export function decodeFloat32Base64(encoded: string): number[] {
  const buffer = Buffer.from(encoded, 'base64');
  const values: number[] = [];
  for (let offset = 0; offset + 4 <= buffer.length; offset += 4) values.push(buffer.readFloatLE(offset));
  return values;
}
