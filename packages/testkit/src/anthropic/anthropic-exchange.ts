/**
 * The low-level writers every Anthropic answer goes through (default handlers and scripted responses
 * alike): Anthropic's `request-id` header on every response, error bodies in Anthropic's envelope and
 * event streams framed with `event:` lines.
 */
import { abortableDelay, untilAborted } from '../abortable-delay.js';
import { destroyConnection, type Exchange } from '../exchange.js';
import { anthropicError, anthropicErrorType } from './anthropic-fixtures.js';
import type { AnthropicSseEvent } from './types.js';

/** The id sent in the `request-id` header and in error bodies. */
export function anthropicRequestId(exchange: Exchange): string {
  return `req_fake_${exchange.requestNumber}`;
}

function applyHeaders(exchange: Exchange, status: number, headers: Record<string, string> = {}): void {
  const { response } = exchange;
  response.statusCode = status;
  response.setHeader('request-id', anthropicRequestId(exchange));
  // setHeader is case-insensitive, so scripted headers override the defaults whatever their casing.
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}

function canAnswer(exchange: Exchange): boolean {
  return !exchange.signal.aborted && !exchange.response.headersSent && !exchange.response.destroyed;
}

/** Sends a complete body with a content-length. */
export function sendAnthropicBody(
  exchange: Exchange,
  { status, headers, body }: { status: number; headers?: Record<string, string>; body: string },
): void {
  if (!canAnswer(exchange)) return;
  applyHeaders(exchange, status, headers);
  exchange.response.setHeader('content-length', Buffer.byteLength(body));
  exchange.response.end(body);
}

export function sendAnthropicJson(
  exchange: Exchange,
  { status = 200, headers, body }: { status?: number; headers?: Record<string, string>; body: unknown },
): void {
  sendAnthropicBody(exchange, {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export interface AnthropicErrorAnswer {
  status: number;
  message: string;
  type?: string;
  headers?: Record<string, string>;
}

/** Sends `{"type":"error","error":{"type","message"},"request_id"}` with the given status. */
export function sendAnthropicError(
  exchange: Exchange,
  { status, message, type = anthropicErrorType(status), headers }: AnthropicErrorAnswer,
): void {
  sendAnthropicJson(exchange, {
    status,
    headers: { 'x-should-retry': String(status === 429 || status >= 500), ...headers },
    body: anthropicError({ message, type, requestId: anthropicRequestId(exchange) }),
  });
}

function writeChunk(exchange: Exchange, text: string): Promise<boolean> {
  const { response, signal } = exchange;
  if (signal.aborted || response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    // A write to a destroyed socket never calls back, so the abort signal settles it instead.
    const onAbort = (): void => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
    response.write(text, (error) => {
      signal.removeEventListener('abort', onAbort);
      resolve(error === undefined || error === null);
    });
  });
}

/** Frames one event: `event: <name>\ndata: <json>\n\n`; strings are written verbatim. */
export function serializeAnthropicEvent(event: AnthropicSseEvent | string): string {
  if (typeof event === 'string') return event;
  const data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
  return `event: ${event.event}\ndata: ${data}\n\n`;
}

export interface AnthropicEventStreamOptions {
  events: Array<AnthropicSseEvent | string>;
  firstByteDelayMs?: number;
  firstEventDelayMs?: number;
  delayMs?: number;
  cutAfter?: number;
  stallAfter?: number;
  headers?: Record<string, string>;
}

/** Streams `text/event-stream`, one write per event, with the scripted delays and faults. */
export async function streamAnthropicEvents(
  exchange: Exchange,
  {
    events,
    firstByteDelayMs = 0,
    firstEventDelayMs = 0,
    delayMs = 0,
    cutAfter,
    stallAfter,
    headers,
  }: AnthropicEventStreamOptions,
): Promise<void> {
  const { response, signal } = exchange;
  if (!(await abortableDelay(firstByteDelayMs, signal)) || !canAnswer(exchange)) return;
  applyHeaders(exchange, 200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers });
  response.flushHeaders();
  if (!(await abortableDelay(firstEventDelayMs, signal))) return;

  const cutAt = cutAfter ?? Number.POSITIVE_INFINITY;
  const stallAt = stallAfter ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(events.length, cutAt, stallAt);
  for (let index = 0; index < limit; index++) {
    if (index > 0 && !(await abortableDelay(delayMs, signal))) return;
    if (!(await writeChunk(exchange, serializeAnthropicEvent(events[index] as AnthropicSseEvent | string)))) return;
  }

  if (cutAfter !== undefined && cutAt <= stallAt) {
    destroyConnection(exchange);
    return;
  }
  if (stallAfter !== undefined) {
    await untilAborted(signal);
    return;
  }
  if (!signal.aborted) response.end();
}
