/**
 * One request/response pair and the low-level writers every answer goes through (default handlers and
 * scripted responses alike), so headers, abort tracking and socket faults behave the same in every fake.
 * A fake only describes its wire format (`WireFormat`): default headers, JSON framing, error bodies and
 * how one server-sent event is serialized.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EventStreamOptions, streamEvents } from './event-stream.js';

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborts when the response closes (client gone, socket destroyed) or the server closes. */
  signal: AbortSignal;
  /** 1-based, per server (reset by `reset()`); used in request-id headers and generated ids. */
  requestNumber: number;
  startedAt: number;
  /** Set when the fake itself destroys the socket, so that is not counted as a client abort. */
  destroyedByServer: boolean;
}

/** What every error answer carries; each wire format adds its own optional fields. */
export interface ErrorAnswer {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface WireFormat<TEvent, TError extends ErrorAnswer> {
  /** Headers on every response (request ids, timings); headers passed to a writer override them. */
  defaultHeaders(exchange: Exchange): Record<string, string>;
  jsonContentType: string;
  stringifyJson(body: unknown): string;
  /** The JSON body of an error answer, plus headers that go with it (before the answer's own). */
  errorJson(exchange: Exchange, answer: TError): { body: unknown; headers?: Record<string, string> };
  /** Headers of a `text/event-stream` answer (the content type included). */
  eventStreamHeaders: Record<string, string>;
  serializeEvent(event: TEvent): string;
  /** Written after the last event unless the stream says `done: false` (OpenAI's `data: [DONE]`). */
  doneEvent?: string;
}

export interface BodyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface JsonAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface WireWriters<TEvent, TError extends ErrorAnswer> {
  /** Sends a complete body with a content-length. */
  sendBody(exchange: Exchange, answer: BodyAnswer): void;
  sendJson(exchange: Exchange, answer: JsonAnswer): void;
  sendError(exchange: Exchange, answer: TError): void;
  /** Streams `text/event-stream`, one write per event, with the scripted delays and faults. */
  streamEvents(exchange: Exchange, options: EventStreamOptions<TEvent>): Promise<void>;
}

/** Sets the status and headers: the format's defaults first, so the given ones win whatever their casing. */
export function applyHeaders(exchange: Exchange, status: number, headers: Record<string, string>): void {
  const { response } = exchange;
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
}

/** Whether nothing has been sent yet and the client is still there. */
export function canAnswer(exchange: Exchange): boolean {
  return !exchange.signal.aborted && !exchange.response.headersSent && !exchange.response.destroyed;
}

/** Destroys the socket without an answer (the client sees a reset / "other side closed"). */
export function destroyConnection(exchange: Exchange): void {
  exchange.destroyedByServer = true;
  exchange.response.socket?.destroy();
  exchange.response.destroy();
}

/** Builds the writers of one wire format. */
export function createWireWriters<TEvent, TError extends ErrorAnswer>(
  format: WireFormat<TEvent, TError>,
): WireWriters<TEvent, TError> {
  const withDefaults = (exchange: Exchange, headers: Record<string, string> = {}): Record<string, string> => ({
    ...format.defaultHeaders(exchange),
    ...headers,
  });

  const sendBody = (exchange: Exchange, { status, headers, body }: BodyAnswer): void => {
    if (!canAnswer(exchange)) return;
    applyHeaders(exchange, status, withDefaults(exchange, headers));
    exchange.response.setHeader('content-length', Buffer.byteLength(body));
    exchange.response.end(body);
  };

  const sendJson = (exchange: Exchange, { status = 200, headers, body }: JsonAnswer): void => {
    sendBody(exchange, {
      status,
      headers: { 'content-type': format.jsonContentType, ...headers },
      body: format.stringifyJson(body),
    });
  };

  return {
    sendBody,
    sendJson,
    sendError: (exchange, answer) => {
      const { body, headers } = format.errorJson(exchange, answer);
      sendJson(exchange, { status: answer.status, headers: { ...headers, ...answer.headers }, body });
    },
    streamEvents: (exchange, options) =>
      streamEvents(exchange, options, {
        headers: () => withDefaults(exchange, { ...format.eventStreamHeaders, ...options.headers }),
        serializeEvent: format.serializeEvent,
        doneEvent: format.doneEvent,
      }),
  };
}
