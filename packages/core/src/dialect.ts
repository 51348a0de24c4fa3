import type { GatewayError, StreamPart } from '@switchyard/spec';
import type { CompletionResult, EmbeddingsResult } from './context.js';

export interface EncodedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface StreamEncodeOptions {
  /** The client asked for a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

/**
 * A wire dialect clients speak (OpenAI today; Anthropic and Gemini later). It encodes canonical results
 * and errors into that dialect's bytes. Decoding requests lives with the routes that accept them.
 */
export interface Dialect {
  readonly name: string;
  encodeError(error: GatewayError): EncodedError;
  encodeCompletion(result: CompletionResult): string;
  encodeEmbeddings(result: EmbeddingsResult): string;
  /** SSE text, flushed as parts arrive. A thrown error becomes an in-band error event, never a clean end. */
  encodeStream(parts: AsyncIterable<StreamPart>, options: StreamEncodeOptions): AsyncIterable<string>;
}
