/**
 * OpenAI's wire format for the shared writers: `x-request-id` / `openai-processing-ms` headers,
 * `{"error":{"message","type","param","code"}}` bodies and `data: …` events ended by `data: [DONE]`.
 */
import { createWireWriters, type ErrorAnswer } from './exchange.js';
import { openaiError, openaiErrorType } from './openai-fixtures.js';

export interface OpenAIErrorAnswer extends ErrorAnswer {
  type?: string;
  param?: string | null;
  code?: string | null;
}

export const openaiWriters = createWireWriters<unknown, OpenAIErrorAnswer>({
  defaultHeaders: (exchange) => ({
    'x-request-id': `req_fake_${exchange.requestNumber}`,
    'openai-processing-ms': String(Date.now() - exchange.startedAt),
  }),
  jsonContentType: 'application/json',
  stringifyJson: (body) => JSON.stringify(body),
  errorJson: (_exchange, { status, message, type = openaiErrorType(status), param = null, code = null }) => ({
    body: openaiError({ message, type, param, code }),
  }),
  eventStreamHeaders: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
  /** Objects are JSON-serialized; strings are written as they are after `data: `. */
  serializeEvent: (event) => `data: ${typeof event === 'string' ? event : JSON.stringify(event)}\n\n`,
  doneEvent: 'data: [DONE]\n\n',
});

export const {
  sendJson: sendOpenAIJson,
  /** Sends `{"error":{"message","type","param","code"}}` with the given status. */
  sendError: sendOpenAIError,
  streamEvents: streamOpenAIEvents,
} = openaiWriters;
