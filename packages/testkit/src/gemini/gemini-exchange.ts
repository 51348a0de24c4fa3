/**
 * Gemini's wire format for the shared writers: Google's headers, pretty-printed JSON, Gemini error bodies
 * and SSE streams whose frames end with a CRLF blank line and that end with the body (no terminator).
 */
import { createWireWriters, type ErrorAnswer } from '../exchange.js';
import { geminiError, geminiErrorStatus } from './gemini-fixtures.js';

export interface GeminiErrorAnswer extends ErrorAnswer {
  /** Default from the HTTP status (`geminiErrorStatus`). */
  geminiStatus?: string;
  details?: unknown[];
}

export const geminiWriters = createWireWriters<unknown, GeminiErrorAnswer>({
  defaultHeaders: (exchange) => ({
    server: 'scaffolding on HTTPServer2',
    'server-timing': `gfet4t7; dur=${Date.now() - exchange.startedAt}`,
    vary: 'Origin, X-Origin, Referer',
  }),
  jsonContentType: 'application/json; charset=UTF-8',
  stringifyJson: (body) => JSON.stringify(body, null, 2),
  /** `{"error":{"code","message","status","details"?}}` with the given HTTP status. */
  errorJson: (_exchange, { status, message, geminiStatus = geminiErrorStatus(status), details }) => ({
    body: geminiError({ code: status, message, status: geminiStatus, details }),
  }),
  eventStreamHeaders: { 'content-type': 'text/event-stream' },
  /** Gemini writes each frame as one `data:` line followed by a CRLF blank line. */
  serializeEvent: (event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\r\n\r\n`,
});

export const { sendJson: sendGeminiJson, sendError: sendGeminiError, streamEvents: streamGeminiEvents } = geminiWriters;
