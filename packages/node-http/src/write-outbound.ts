import type { ServerResponse } from 'node:http';
import { isStreamBody, type Outbound } from '@switchyard/core';

/**
 * Writes an Outbound to a Node response. Stream bodies are written as they are produced, waiting for
 * `drain` when the socket is full; writes produced in the same tick are corked into one segment. Stops
 * (and ends the producer) when the client goes away.
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
  const flush = (response as ServerResponse & { flush?: () => void }).flush; // set by `compression`
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
    flush?.call(response);
  };
  const iterator = body[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await iterator.next();
      if (next.done) break;
      if (response.destroyed) {
        await iterator.return?.();
        return;
      }
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(next.value)) {
        if (corked) uncork();
        if (!(await drained(response))) {
          await iterator.return?.();
          return;
        }
      }
    }
    response.end();
  } catch {
    // The producer failed after the headers went out; the body is incomplete, so the connection must not
    // look like a clean end.
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
