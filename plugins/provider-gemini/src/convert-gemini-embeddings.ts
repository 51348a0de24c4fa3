import type { EmbeddingResponse } from '@switchyard/spec';

/** Base64 of the little-endian float32 bytes of a vector: OpenAI's `encoding_format: 'base64'`. */
export function encodeFloat32Base64(values: readonly number[]): string {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => {
    buffer.writeFloatLE(value, index * 4);
  });
  return buffer.toString('base64');
}

export interface ConvertGeminiEmbeddingsOptions {
  /** The vectors of all batches, in input order. */
  vectors: readonly (readonly number[])[];
  model: string;
  encodingFormat: 'float' | 'base64' | undefined;
}

/**
 * Gemini embedding vectors → the OpenAI list shape. With `encoding_format: 'base64'` (what the official
 * openai SDK sends by default) each vector becomes base64 float32 little-endian bytes.
 *
 * Usage: Gemini's embedding endpoints report no token counts, and canonical usage carries only the
 * upstream's own numbers, never estimates, so `prompt_tokens` and `total_tokens` are 0.
 */
export function convertGeminiEmbeddings({ vectors, model, encodingFormat }: ConvertGeminiEmbeddingsOptions): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((values, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? encodeFloat32Base64(values) : [...values],
    })),
    model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
