import type { ChatCompletionChunk } from './chat-completion.js';
import type { JsonPayload } from './json-payload.js';

/**
 * One canonical chat completion chunk travelling down the pipeline. Providers that speak the canonical
 * dialect hand over the upstream's own text (`JsonPayload.fromText`), so an untouched chunk reaches a
 * client of the same dialect byte for byte.
 */
export interface ChunkPart {
  type: 'chunk';
  chunk: JsonPayload<ChatCompletionChunk>;
}

/**
 * What a stream carries. A stream ends normally when its iterator is done; it fails by throwing a
 * `GatewayError` from the iterator, which the egress encoder turns into an in-band error event in the
 * client's dialect (never a clean terminator).
 */
export type StreamPart = ChunkPart;

export function chunkPart(chunk: JsonPayload<ChatCompletionChunk>): ChunkPart {
  return { type: 'chunk', chunk };
}
