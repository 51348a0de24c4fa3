/**
 * Anthropic's wire format for the shared writers: Anthropic's `request-id` header on every response,
 * error bodies in Anthropic's envelope and event streams framed with `event:` lines.
 */
import { createWireWriters, type ErrorAnswer, type Exchange } from '../exchange.js';
import { anthropicError, anthropicErrorType } from './anthropic-fixtures.js';
import type { AnthropicSseEvent } from './types.js';

/** The id sent in the `request-id` header and in error bodies. */
export function anthropicRequestId(exchange: Exchange): string {
  return `req_fake_${exchange.requestNumber}`;
}

/** Frames one event: `event: <name>\ndata: <json>\n\n`; strings are written verbatim. */
export function serializeAnthropicEvent(event: AnthropicSseEvent | string): string {
  if (typeof event === 'string') return event;
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return `event: ${event.event}\ndata: ${data}\n\n`;
}

export interface AnthropicErrorAnswer extends ErrorAnswer {
  type?: string;
}

export const anthropicWriters = createWireWriters<AnthropicSseEvent | string, AnthropicErrorAnswer>({
  defaultHeaders: (exchange) => ({ 'request-id': anthropicRequestId(exchange) }),
  jsonContentType: 'application/json',
  stringifyJson: (body) => JSON.stringify(body),
  /** `{"type":"error","error":{"type","message"},"request_id"}`, with Anthropic's `x-should-retry` hint. */
  errorJson: (exchange, { status, message, type = anthropicErrorType(status) }) => ({
    headers: { 'x-should-retry': String(status === 429 || status >= 500) },
    body: anthropicError({ message, type, requestId: anthropicRequestId(exchange) }),
  }),
  eventStreamHeaders: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  serializeEvent: serializeAnthropicEvent,
});

export const {
  sendJson: sendAnthropicJson,
  sendError: sendAnthropicError,
  streamEvents: streamAnthropicEvents,
} = anthropicWriters;
