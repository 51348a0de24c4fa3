import { tapAsyncIterable } from '@switchyard/core';
import type { StreamPart } from '@switchyard/spec';

export interface RecordStreamOptions {
  /** Recording stops (and nothing is cached) past this many characters. */
  maxChars: number;
  /** The client's signal: an aborted client means the stream was not complete. */
  signal: AbortSignal;
  /** Called once, only for a complete stream: it ended without error, a finish reason was seen. */
  onComplete(chunks: string[], hasUsage: boolean): void;
}

/**
 * Passes the parts through to the client as they come (nothing is held back) and keeps a copy of each
 * chunk's text. Only a stream that ends cleanly, with a finish reason, without an error chunk, and with
 * the client still there, is handed to `onComplete`; anything else is dropped.
 */
export function recordStream(parts: AsyncIterable<StreamPart>, options: RecordStreamOptions): AsyncIterable<StreamPart> {
  let chunks: string[] | undefined = [];
  let chars = 0;
  let finished = false;
  let hasUsage = false;
  return tapAsyncIterable(parts, {
    onValue(part) {
      if (chunks === undefined) return;
      const payload = part.chunk;
      const text = payload.text;
      chars += text.length;
      if (chars > options.maxChars || (payload.textIncludes('"error"') && payload.value.error !== undefined)) {
        chunks = undefined;
        return;
      }
      chunks.push(text);
      if (!finished && payload.textIncludes('"finish_reason":"')) {
        finished = payload.value.choices?.some((choice) => typeof choice.finish_reason === 'string') ?? false;
      }
      if (!hasUsage && payload.textIncludes('"usage":{')) hasUsage = payload.value.usage != null;
    },
    onEnd({ error, stopped }) {
      const recorded = chunks;
      chunks = undefined;
      if (recorded === undefined || error !== undefined || stopped || !finished || options.signal.aborted) return;
      options.onComplete(recorded, hasUsage);
    },
  });
}
