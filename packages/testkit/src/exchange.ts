/**
 * One request/response pair and the low-level writers every answer goes through (default handlers and
 * scripted responses alike), so headers, abort tracking and socket faults behave the same everywhere.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { abortableDelay, untilAborted } from './abortable-delay.js';
import { openaiError, openaiErrorType } from './openai-fixtures.js';

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborts when the response closes (client gone, socket destroyed) or the server closes. */
  signal: AbortSignal;
  /** 1-based, per server (reset by `reset()`); used in `x-request-id` and generated ids. */
  requestNumber: number;
  startedAt: number;
  /** Set when the fake itself destroys the socket, so that is not counted as a client abort. */
  destroyedByServer: boolean;
}

function applyHeaders(exchange: Exchange, status: number, headers: Record<string, string> = {}): void {
  const { response } = exchange;
  response.statusCode = status;
  response.setHeader('x-request-id', `req_fake_${exchange.requestNumber}`);
  response.setHeader('openai-processing-ms', String(Date.now() - exchange.startedAt));
  // setHeader is case-insensitive, so scripted headers override the defaults whatever their casing.
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}

function canAnswer(exchange: Exchange): boolean {
  return !exchange.signal.aborted && !exchange.response.headersSent && !exchange.response.destroyed;
}

/** Sends a complete body with a content-length. */
export function sendBody(
  exchange: Exchange,
  { status, headers, body }: { status: number; headers?: Record<string, string>; body: string },
): void {
  if (!canAnswer(exchange)) return;
  applyHeaders(exchange, status, headers);
  exchange.response.setHeader('content-length', Buffer.byteLength(body));
  exchange.response.end(body);
}

export function sendJson(
  exchange: Exchange,
  { status = 200, headers, body }: { status?: number; headers?: Record<string, string>; body: unknown },
): void {
  sendBody(exchange, {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export interface OpenAIErrorAnswer {
  status: number;
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
  headers?: Record<string, string>;
}

/** Sends `{"error":{"message","type","param","code"}}` with the given status. */
export function sendOpenAIError(
  exchange: Exchange,
  { status, message, type = openaiErrorType(status), param = null, code = null, headers }: OpenAIErrorAnswer,
): void {
  sendJson(exchange, { status, headers, body: openaiError({ message, type, param, code }) });
}

/** Destroys the socket without an answer (the client sees a reset / "other side closed"). */
export function destroyConnection(exchange: Exchange): void {
  exchange.destroyedByServer = true;
  exchange.response.socket?.destroy();
  exchange.response.destroy();
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

export interface EventStreamOptions {
  events: Array<unknown>;
  firstByteDelayMs?: number;
  firstEventDelayMs?: number;
  delayMs?: number;
  done?: boolean;
  cutAfter?: number;
  stallAfter?: number;
  headers?: Record<string, string>;
}

function serializeEvent(event: unknown): string {
  return `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`;
}

/** Streams `text/event-stream`, one write per event, with the scripted delays and faults. */
export async function streamEvents(
  exchange: Exchange,
  {
    events,
    firstByteDelayMs = 0,
    firstEventDelayMs = 0,
    delayMs = 0,
    done = true,
    cutAfter,
    stallAfter,
    headers,
  }: EventStreamOptions,
): Promise<void> {
  const { response, signal } = exchange;
  if (!(await abortableDelay(firstByteDelayMs, signal)) || !canAnswer(exchange)) return;
  applyHeaders(exchange, 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
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
  if (done && !(await writeChunk(exchange, 'data: [DONE]\n\n'))) return;
  if (!signal.aborted) response.end();
}
