import { invalidRequest, nativeBodyOf } from '@switchyard/spec';
import type { Dialect } from '../../dialect.js';
import { encodeAnthropicError } from './encode-anthropic-error.js';
import { encodeAnthropicMessage } from './encode-anthropic-message.js';
import { encodeAnthropicStream } from './encode-anthropic-stream.js';

/**
 * The Anthropic Messages dialect: `{"type":"error","error":{type,message}}` errors, `message` bodies and
 * `event:`-named SSE streams, whatever provider produced the canonical result. When an Anthropic upstream
 * answered an untouched request, its own bytes are sent instead of a re-encoding (thinking signatures,
 * unknown fields and block types survive).
 */
export const anthropicDialect: Dialect = {
  name: 'anthropic',
  encodeError: encodeAnthropicError,
  // The upstream's own message when an Anthropic provider answered and nothing changed it (native-passthrough).
  encodeCompletion: (result) =>
    nativeBodyOf(result.body, 'anthropic') ?? JSON.stringify(encodeAnthropicMessage(result.body.value)),
  encodeEmbeddings() {
    throw invalidRequest('The Anthropic API has no embeddings endpoint; use POST /v1/embeddings.', {
      code: 'unsupported_operation',
    });
  },
  encodeStream: (parts) => encodeAnthropicStream(parts),
};
