import type { ChatRequest, EmbeddingRequest } from '@switchyard/spec';

/** Tokens an image may cost at most in the estimates below (providers bill images by size, not bytes). */
const IMAGE_TOKENS = 2_000;

/**
 * An upper bound on a request's input tokens: its UTF-8 bytes (a byte-level BPE token is at least one
 * byte), with images counted at a fixed allowance instead of their base64 size. Used to reserve budget,
 * where guessing low would let concurrent requests overspend.
 */
export function inputTokenBound(request: ChatRequest | EmbeddingRequest): number {
  if ('input' in request) return Buffer.byteLength(JSON.stringify(request.input));
  let bytes = 0;
  for (const message of request.messages) {
    bytes += 8; // role and message framing
    const content = message.content;
    if (typeof content === 'string') bytes += Buffer.byteLength(content);
    else if (Array.isArray(content)) {
      for (const part of content as Array<{ type?: string; text?: string }>) {
        if (part.type === 'text' && typeof part.text === 'string') bytes += Buffer.byteLength(part.text);
        else if (part.type === 'image_url') bytes += IMAGE_TOKENS;
        else bytes += Buffer.byteLength(JSON.stringify(part));
      }
    }
    if ('tool_calls' in message && message.tool_calls) bytes += Buffer.byteLength(JSON.stringify(message.tool_calls));
  }
  if (request.tools) bytes += Buffer.byteLength(JSON.stringify(request.tools));
  if (request.response_format) bytes += Buffer.byteLength(JSON.stringify(request.response_format));
  return bytes;
}

/** The output tokens a request may produce: its own cap, else the default allowance. */
export function outputAllowance(request: ChatRequest | EmbeddingRequest, fallback: number): number {
  if ('input' in request) return 0;
  for (const value of [request.max_completion_tokens, request.max_tokens]) {
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  }
  return fallback;
}

/** A rough input size (4 characters a token) for requests that ended before usage was reported. */
export function roughInputTokens(request: ChatRequest | EmbeddingRequest): number {
  return Math.ceil(inputTokenBound(request) / 4);
}
