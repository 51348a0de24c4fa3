import { invalidRequest } from '@switchyard/spec';
import type { Dialect } from '../../dialect.js';
import { encodeGeminiError } from './encode-gemini-error.js';
import { encodeGeminiResponse } from './encode-gemini-response.js';
import { encodeGeminiStream } from './encode-gemini-stream.js';

/**
 * The Gemini `generateContent` dialect: `{"error":{code,message,status}}` errors, `GenerateContentResponse`
 * bodies and `alt=sse` streams, whatever provider produced the canonical result.
 */
export const geminiDialect: Dialect = {
  name: 'gemini',
  encodeError: encodeGeminiError,
  encodeCompletion: (result) => JSON.stringify(encodeGeminiResponse(result.body.value)),
  encodeEmbeddings() {
    throw invalidRequest('Embeddings are not offered on the Gemini route yet; use POST /v1/embeddings.', {
      code: 'unsupported_operation',
    });
  },
  encodeStream: (parts) => encodeGeminiStream(parts),
};
