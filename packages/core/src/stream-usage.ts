import { readUsage, type StreamPart } from '@switchyard/spec';
import type { GatewayContext } from './context.js';

/**
 * Passes parts through unchanged and records the upstream's usage on the context as it goes by. Only
 * chunks whose text mentions usage are parsed, so plain content chunks stay unparsed.
 */
export async function* observeStreamUsage(parts: AsyncIterable<StreamPart>, context: GatewayContext): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    if (part.chunk.textIncludes('"usage":{') || (!part.chunk.isOriginal && part.chunk.value.usage)) {
      const usage = readUsage(part.chunk.value.usage);
      if (usage) context.usage = usage;
    }
    yield part;
  }
}
