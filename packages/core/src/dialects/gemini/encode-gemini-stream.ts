import { type StreamPart, toGatewayError } from '@switchyard/spec';
import { createGeminiStreamEncoder } from './create-gemini-stream-encoder.js';
import { geminiErrorBody } from './encode-gemini-error.js';

/**
 * Canonical stream parts → Gemini `alt=sse` text: `data: <GenerateContentResponse>\n\n` frames as parts
 * arrive (see `createGeminiStreamEncoder`), and no terminator: the end of the body is the end of the
 * stream. An error thrown by `parts` becomes a `data: {"error":{"code","message","status"}}` frame and is
 * rethrown, so the stream never ends cleanly after a failure.
 */
export async function* encodeGeminiStream(parts: AsyncIterable<StreamPart>): AsyncGenerator<string> {
  const encoder = createGeminiStreamEncoder();
  try {
    for await (const part of parts) {
      for (const frame of encoder.push(part.chunk.value)) yield `data: ${JSON.stringify(frame)}\n\n`;
    }
  } catch (error) {
    yield `data: ${JSON.stringify(geminiErrorBody(toGatewayError(error)))}\n\n`;
    throw error;
  }
  for (const frame of encoder.finish()) yield `data: ${JSON.stringify(frame)}\n\n`;
}
