/**
 * The `text/event-stream` writer shared by every fake: one write per event, with the scripted delays
 * (first byte, first event, between events) and faults (cut the socket, stall until the client leaves).
 */
import { abortableDelay, untilAborted } from './abortable-delay.js';
import { applyHeaders, canAnswer, destroyConnection, type Exchange } from './exchange.js';

/** The delays and faults of a scripted event stream, shared by every fake's `kind: 'sse'` response. */
export interface EventStreamTiming {
  /** Nothing at all (not even headers) is sent before this delay. */
  firstByteDelayMs?: number;
  /** Headers go out at once; the first event only after this delay (a slow first token). */
  firstEventDelayMs?: number;
  /** Delay between two events. */
  delayMs?: number;
  /** Destroy the socket after writing this many events (no terminator event, no chunked terminator). */
  cutAfter?: number;
  /** Stop writing after this many events and keep the socket open until the client leaves. */
  stallAfter?: number;
}

export interface EventStreamOptions<TEvent> extends EventStreamTiming {
  events: readonly TEvent[];
  /** Write the format's terminator event after the last event (when it has one); default true. */
  done?: boolean;
  headers?: Record<string, string>;
}

export interface EventFraming<TEvent> {
  /** All response headers, computed when they go out (after `firstByteDelayMs`). */
  headers(): Record<string, string>;
  serializeEvent(event: TEvent): string;
  doneEvent?: string;
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

export async function streamEvents<TEvent>(
  exchange: Exchange,
  {
    events,
    firstByteDelayMs = 0,
    firstEventDelayMs = 0,
    delayMs = 0,
    done = true,
    cutAfter,
    stallAfter,
  }: EventStreamOptions<TEvent>,
  framing: EventFraming<TEvent>,
): Promise<void> {
  const { response, signal } = exchange;
  if (!(await abortableDelay(firstByteDelayMs, signal)) || !canAnswer(exchange)) return;
  applyHeaders(exchange, 200, framing.headers());
  response.flushHeaders();
  if (!(await abortableDelay(firstEventDelayMs, signal))) return;

  const cutAt = cutAfter ?? Number.POSITIVE_INFINITY;
  const stallAt = stallAfter ?? Number.POSITIVE_INFINITY;
  const written = events.slice(0, Math.max(0, Math.min(cutAt, stallAt)));
  for (const [index, event] of written.entries()) {
    if (index > 0 && !(await abortableDelay(delayMs, signal))) return;
    if (!(await writeChunk(exchange, framing.serializeEvent(event)))) return;
  }

  if (cutAfter !== undefined && cutAt <= stallAt) {
    destroyConnection(exchange);
    return;
  }
  if (stallAfter !== undefined) {
    await untilAborted(signal);
    return;
  }
  if (done && framing.doneEvent !== undefined && !(await writeChunk(exchange, framing.doneEvent))) return;
  if (!signal.aborted) response.end();
}
