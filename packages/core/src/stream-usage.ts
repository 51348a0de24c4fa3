import { readUsage, type StreamPart } from '@switchyard/spec';
import type { GatewayContext } from './context.js';
import { tapAsyncIterable } from './tap-async-iterable.js';

/**
 * Passes parts through unchanged and records the upstream's usage on the context as it goes by. Only
 * chunks whose text mentions usage are parsed, so plain content chunks stay unparsed.
 */
export function observeStreamUsage(parts: AsyncIterable<StreamPart>, context: GatewayContext): AsyncIterable<StreamPart> {
  return tapAsyncIterable(parts, {
    onValue(part) {
      if (part.chunk.isOriginal ? part.chunk.textIncludes('"usage":{') : part.chunk.value.usage) {
        const usage = readUsage(part.chunk.value.usage);
        if (usage) context.usage = usage;
      }
    },
  });
}
