import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

/**
 * Turns a byte stream into server-sent events as they complete. Bytes may be split anywhere, including
 * inside a multi-byte UTF-8 character or between `\r` and `\n`; events come out the same.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  let pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data, id: message.id });
    },
  });
  for await (const chunk of body) {
    parser.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    if (pending.length > 0) {
      const ready = pending;
      pending = [];
      yield* ready;
    }
  }
  const rest = decoder.decode();
  if (rest.length > 0) parser.feed(rest);
  // A final event without its blank line is incomplete by the SSE spec and is dropped, as browsers do.
  yield* pending;
}
