import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface SseEvent {
  event: string | undefined;
  data: string;
  id: string | undefined;
}

export interface SseDecoder {
  /** Feeds bytes (or text) and returns the events they completed, in order. */
  feed(chunk: Uint8Array | string): SseEvent[];
  /** Flushes a partial UTF-8 sequence at the end of the body; returns any event it completed. */
  end(): SseEvent[];
}

/**
 * A synchronous SSE decoder: bytes in, completed events out. Bytes may be split anywhere, including
 * inside a multi-byte UTF-8 character or between `\r` and `\n`; events come out the same. Hot paths
 * loop over its output inside their own generator instead of adding a generator layer per event.
 */
export function createSseDecoder(): SseDecoder {
  const decoder = new TextDecoder('utf-8');
  let pending: SseEvent[] = [];
  let endsWithCarriageReturn = false;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data, id: message.id });
    },
  });
  const take = (): SseEvent[] => {
    if (pending.length === 0) return pending;
    const ready = pending;
    pending = [];
    return ready;
  };
  return {
    feed(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text.length > 0) {
        endsWithCarriageReturn = text.charCodeAt(text.length - 1) === 13;
        parser.feed(text);
      }
      return take();
    },
    end() {
      const rest = decoder.decode();
      if (rest.length > 0) {
        endsWithCarriageReturn = rest.charCodeAt(rest.length - 1) === 13;
        parser.feed(rest);
      }
      // The parser holds a trailing `\r` back in case `\n` follows; at the end of the body nothing will.
      if (endsWithCarriageReturn) parser.feed('\n');
      // A final event without its blank line is incomplete by the SSE spec and is dropped, as browsers do.
      return take();
    },
  };
}

/** Turns a byte stream into server-sent events as they complete (see `createSseDecoder`). */
export async function* parseSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = createSseDecoder();
  for await (const chunk of body) yield* decoder.feed(chunk);
  yield* decoder.end();
}
