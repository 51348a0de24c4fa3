import type { ServerResponse } from 'node:http';
import { isStreamBody, type Outbound } from '@switchyard/core';

/**
 * Writes an Outbound to a Node response. Stream bodies are written as they are produced, waiting for
 * `drain` when the socket is full; pieces produced in the same tick go out as one write. Stops (and ends
 * the producer) when the client goes away.
 */
export async function writeOutbound(response: ServerResponse, outbound: Outbound): Promise<void> {
  const { body } = outbound;
  if (!isStreamBody(body)) {
    const length = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    response.writeHead(outbound.status, { ...outbound.headers, 'content-length': String(length) });
    response.end(body ?? undefined);
    return;
  }
  response.writeHead(outbound.status, outbound.headers);
  const flushCompression = (response as ServerResponse & { flush?: () => void }).flush; // set by `compression`
  // Pieces produced in the same tick are joined and written once: with chunked encoding every write costs
  // a size line and a CRLF, and a stream of small SSE frames is mostly such writes.
  let pending: Array<string | Uint8Array> = [];
  let scheduled = false;
  // Set when a write filled the socket: listening from that moment on, so a `drain` is never missed.
  let blocked: Promise<boolean> | undefined;
  const writePending = () => {
    scheduled = false;
    if (pending.length === 0 || response.destroyed) return;
    const pieces = pending;
    pending = [];
    const joined =
      pieces.length === 1
        ? (pieces[0] as string | Uint8Array)
        : pieces.every((piece) => typeof piece === 'string')
          ? pieces.join('')
          : Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
    if (!response.write(joined)) blocked ??= drained(response);
    flushCompression?.call(response);
  };
  const iterator = body[Symbol.asyncIterator]();
  try {
    while (true) {
      if (blocked) {
        const writable = await blocked;
        blocked = undefined;
        if (!writable) {
          await iterator.return?.();
          return;
        }
      }
      const next = await iterator.next();
      if (next.done) break;
      if (response.destroyed) {
        await iterator.return?.();
        return;
      }
      pending.push(next.value);
      if (!scheduled) {
        scheduled = true;
        process.nextTick(writePending);
      }
    }
    writePending();
    response.end();
  } catch {
    // The producer failed after the headers went out; the body is incomplete, so the connection must not
    // look like a clean end.
    writePending();
    response.destroy();
  }
}

/** Resolves true on `drain`, false if the response closes first. */
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const onDrain = () => {
      response.off('close', onClose);
      resolve(true);
    };
    const onClose = () => {
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
