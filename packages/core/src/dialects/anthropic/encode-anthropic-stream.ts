import { nativeFramesOf, nativeStreamOf, type StreamPart, toGatewayError } from '@switchyard/spec';
import type { AnthropicStreamEvent } from './anthropic-wire-types.js';
import { createAnthropicStreamEncoder } from './create-anthropic-stream-encoder.js';
import { anthropicErrorBody } from './encode-anthropic-error.js';

/** One SSE frame: Anthropic SDKs dispatch on the `event:` line, so it is always written. */
export function formatAnthropicEvent(event: AnthropicStreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Canonical stream parts → Anthropic SSE text, one string per part that produces events, as parts arrive
 * (see `createAnthropicStreamEncoder`). Usage is always reported. An error thrown by `parts` becomes an
 * `event: error` frame (`{"type":"error","error":{"type","message"}}`) and is rethrown, so the stream never
 * ends cleanly after a failure.
 */
export async function* encodeAnthropicStream(parts: AsyncIterable<StreamPart>): AsyncGenerator<string> {
  const native = nativeStreamOf(parts, 'anthropic');
  if (native) {
    yield* passThroughAnthropicStream(parts, native);
    return;
  }
  const encoder = createAnthropicStreamEncoder();
  try {
    for await (const part of parts) {
      const events = encoder.push(part.chunk.value);
      if (events.length > 0) yield events.map(formatAnthropicEvent).join('');
    }
  } catch (error) {
    yield formatAnthropicEvent(anthropicErrorBody(toGatewayError(error)));
    throw error;
  }
  yield encoder.finish().map(formatAnthropicEvent).join('');
}

/**
 * An Anthropic upstream's own frames, written as they arrived: every part carries the frames that came
 * with it (pings and block boundaries included) and the stream keeps those after the last part.
 */
async function* passThroughAnthropicStream(parts: AsyncIterable<StreamPart>, native: { tail: string }): AsyncGenerator<string> {
  try {
    for await (const part of parts) {
      const frames = nativeFramesOf(part);
      if (frames) yield frames;
    }
  } catch (error) {
    yield formatAnthropicEvent(anthropicErrorBody(toGatewayError(error)));
    throw error;
  }
  if (native.tail) yield native.tail;
}
