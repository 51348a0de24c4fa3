/**
 * The low-level writers every Gemini answer goes through (default handlers and scripted responses alike):
 * Google's headers, Gemini error bodies and SSE streams that end with the body (no `[DONE]`).
 */
import { abortableDelay, untilAborted } from '../abortable-delay.js';
import { destroyConnection, type Exchange } from '../exchange.js';
import { geminiError, geminiErrorStatus } from './gemini-fixtures.js';

function applyHeaders(exchange: Exchange, status: number, headers: Record<string, string> = {}): void {
  const { response } = exchange;
  response.statusCode = status;
  response.setHeader('server', 'scaffolding on HTTPServer2');
  response.setHeader('server-timing', `gfet4t7; dur=${Date.now() - exchange.startedAt}`);
  response.setHeader('vary', 'Origin, X-Origin, Referer');
  // setHeader is case-insensitive, so scripted headers override the defaults whatever their casing.
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}

function canAnswer(exchange: Exchange): boolean {
  return !exchange.signal.aborted && !exchange.response.headersSent && !exchange.response.destroyed;
}

/** Sends a complete body with a content-length. */
export function sendGeminiBody(
  exchange: Exchange,
  { status, headers, body }: { status: number; headers?: Record<string, string>; body: string },
): void {
  if (!canAnswer(exchange)) return;
  applyHeaders(exchange, status, headers);
  exchange.response.setHeader('content-length', Buffer.byteLength(body));
  exchange.response.end(body);
}

export function sendGeminiJson(
  exchange: Exchange,
  { status = 200, headers, body }: { status?: number; headers?: Record<string, string>; body: unknown },
): void {
  sendGeminiBody(exchange, {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify(body, null, 2),
  });
}

export interface GeminiErrorAnswer {
  status: number;
  message: string;
  /** Default from the HTTP status (`geminiErrorStatus`). */
  geminiStatus?: string;
  details?: unknown[];
  headers?: Record<string, string>;
}

/** Sends `{"error":{"code","message","status","details"?}}` with the given HTTP status. */
export function sendGeminiError(
  exchange: Exchange,
  { status, message, geminiStatus = geminiErrorStatus(status), details, headers }: GeminiErrorAnswer,
): void {
  sendGeminiJson(exchange, { status, headers, body: geminiError({ code: status, message, status: geminiStatus, details }) });
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

export interface GeminiEventStreamOptions {
  events: Array<unknown>;
  firstByteDelayMs?: number;
  firstEventDelayMs?: number;
  delayMs?: number;
  cutAfter?: number;
  stallAfter?: number;
  headers?: Record<string, string>;
}

/** Gemini writes each frame as one `data:` line followed by a CRLF blank line. */
function serializeEvent(event: unknown): string {
  return `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\r\n\r\n`;
}

/** Streams `text/event-stream`, one write per event, then ends the body: Gemini sends no terminator event. */
export async function streamGeminiEvents(
  exchange: Exchange,
  { events, firstByteDelayMs = 0, firstEventDelayMs = 0, delayMs = 0, cutAfter, stallAfter, headers }: GeminiEventStreamOptions,
): Promise<void> {
  const { response, signal } = exchange;
  if (!(await abortableDelay(firstByteDelayMs, signal)) || !canAnswer(exchange)) return;
  applyHeaders(exchange, 200, { 'content-type': 'text/event-stream', ...headers });
  response.flushHeaders();
  if (!(await abortableDelay(firstEventDelayMs, signal))) return;

  const cutAt = cutAfter ?? Number.POSITIVE_INFINITY;
  const stallAt = stallAfter ?? Number.POSITIVE_INFINITY;
  const limit = Math.min(events.length, cutAt, stallAt);
  for (let index = 0; index < limit; index++) {
    if (index > 0 && !(await abortableDelay(delayMs, signal))) return;
    if (!(await writeChunk(exchange, serializeEvent(events[index])))) return;
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
