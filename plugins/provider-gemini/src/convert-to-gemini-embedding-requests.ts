import { type EmbeddingRequest, invalidRequest } from '@switchyard/spec';
import type { GeminiEmbedContentRequest } from './gemini-wire-types.js';

/** Gemini's limit on requests in one `batchEmbedContents` call. */
export const geminiMaxBatchSize = 100;

/** The resource name Gemini expects in the URL and in each batch request: `models/<id>`. */
export function geminiModelResource(model: string): string {
  return model.startsWith('models/') || model.startsWith('tunedModels/') ? model : `models/${model}`;
}

/**
 * A canonical embeddings request → `batchEmbedContents` bodies (`{ requests: [...] }`), one per 100
 * inputs, in input order. `dimensions` → `outputDimensionality`. Token-id inputs are a 400: Gemini embeds
 * text only. `encoding_format` is applied to the answer, not sent; `user` has no equivalent.
 */
export function convertToGeminiEmbeddingRequests(
  model: string,
  request: EmbeddingRequest,
): Array<{ requests: GeminiEmbedContentRequest[] }> {
  const { input, dimensions } = request;
  const texts = typeof input === 'string' ? [input] : input;
  if (!texts.every((text): text is string => typeof text === 'string')) {
    throw invalidRequest('Gemini embeds text only: `input` must be a string or an array of strings.', {
      param: 'input',
      code: 'unsupported_input',
    });
  }
  const resource = geminiModelResource(model);
  const requests = texts.map((text): GeminiEmbedContentRequest => {
    const embedRequest: GeminiEmbedContentRequest = { model: resource, content: { parts: [{ text }] } };
    if (dimensions !== undefined) embedRequest.outputDimensionality = dimensions;
    return embedRequest;
  });
  const batches: Array<{ requests: GeminiEmbedContentRequest[] }> = [];
  for (let start = 0; start < requests.length; start += geminiMaxBatchSize) {
    batches.push({ requests: requests.slice(start, start + geminiMaxBatchSize) });
  }
  return batches;
}
