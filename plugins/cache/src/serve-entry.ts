import type { GatewayResult } from '@switchyard/core';
import { type ChatCompletion, type ChatCompletionChunk, chunkPart, JsonPayload, type StreamPart } from '@switchyard/spec';
import type { CachedEntry } from './cached-entry.js';
import { chunksToCompletion } from './chunks-to-completion.js';
import { completionToChunks } from './completion-to-chunks.js';

/**
 * The result for a cache hit, in the form the client asked for. A recording of the same form is served
 * as its original text (a stream replays chunk for chunk); a completion can answer a streamed request
 * (synthesised chunks) and a recorded stream a non-streamed one (assembled completion).
 */
export function resultFromEntry(entry: CachedEntry, stream: boolean): GatewayResult {
  const meta = {
    source: 'cache' as const,
    ...(entry.providerId === undefined ? {} : { providerId: entry.providerId }),
    ...(entry.model === undefined ? {} : { model: entry.model }),
  };
  if (stream) {
    const chunks =
      entry.kind === 'stream'
        ? (entry.chunks ?? [])
        : completionToChunks(JSON.parse(entry.body ?? '{}') as ChatCompletion).map((chunk) => JSON.stringify(chunk));
    return { ...meta, type: 'stream', parts: replay(chunks) };
  }
  const body =
    entry.kind === 'completion'
      ? JsonPayload.fromText<ChatCompletion>(entry.body ?? '{}')
      : JsonPayload.fromValue(chunksToCompletion((entry.chunks ?? []).map((text) => JSON.parse(text) as ChatCompletionChunk)));
  return { ...meta, type: 'completion', body };
}

async function* replay(chunks: readonly string[]): AsyncGenerator<StreamPart> {
  for (const text of chunks) yield chunkPart(JsonPayload.fromText<ChatCompletionChunk>(text));
}
