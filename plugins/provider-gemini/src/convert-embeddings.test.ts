import { decodeFloat32Base64 } from '@switchyard/testkit';
import { describe, expect, it } from 'vitest';
import { convertGeminiEmbeddings } from './convert-gemini-embeddings.js';
import { convertToGeminiEmbeddingRequests, geminiMaxBatchSize } from './convert-to-gemini-embedding-requests.js';

describe('embedding converters', () => {
  it('builds batchEmbedContents requests, 100 per batch, with outputDimensionality', () => {
    expect(convertToGeminiEmbeddingRequests('gemini-embedding-001', { model: 'm', input: 'hi', dimensions: 256 })).toEqual([
      { requests: [{ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hi' }] }, outputDimensionality: 256 }] },
    ]);
    const inputs = Array.from({ length: geminiMaxBatchSize * 2 + 1 }, (_, index) => `t${index}`);
    const batches = convertToGeminiEmbeddingRequests('models/x', { model: 'm', input: inputs });
    expect(batches.map((batch) => batch.requests.length)).toEqual([100, 100, 1]);
    expect(batches[2]?.requests[0]).toEqual({ model: 'models/x', content: { parts: [{ text: 't200' }] } });
  });

  it('rejects token-id inputs', () => {
    expect(() => convertToGeminiEmbeddingRequests('m', { model: 'm', input: [1, 2, 3] })).toThrow(
      expect.objectContaining({ status: 400, param: 'input' }),
    );
  });

  it('answers floats or base64 float32 with zero usage', () => {
    const vectors = [
      [0.5, -1, 0.25],
      [1, 2, 3],
    ];
    const floats = convertGeminiEmbeddings({ vectors, model: 'gemini-embedding-001', encodingFormat: undefined });
    expect(floats).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1, 0.25] },
        { object: 'embedding', index: 1, embedding: [1, 2, 3] },
      ],
      model: 'gemini-embedding-001',
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
    const base64 = convertGeminiEmbeddings({ vectors, model: 'm', encodingFormat: 'base64' });
    expect(decodeFloat32Base64(base64.data[0]?.embedding as string)).toEqual([0.5, -1, 0.25]);
  });
});
