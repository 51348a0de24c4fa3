import { inheritNativeStream, type StreamPart } from '@switchyard/spec';

/**
 * Waits for the first part of a stream and hands back a stream that replays it. A stream that fails
 * before its first part thus fails here, while nothing has been sent to the client yet: it can still get
 * a proper HTTP status, or be retried elsewhere (docs/decisions/0004).
 */
export async function primeStream(parts: AsyncIterable<StreamPart>): Promise<AsyncIterable<StreamPart>> {
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  let pending: IteratorResult<StreamPart> | undefined = first;
  const primed: AsyncIterableIterator<StreamPart> = {
    [Symbol.asyncIterator]: () => primed,
    next() {
      if (pending) {
        const result = pending;
        pending = undefined;
        return Promise.resolve(result);
      }
      return iterator.next();
    },
    return(value?: unknown) {
      pending = undefined;
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value: undefined });
    },
  };
  inheritNativeStream(primed, parts);
  return primed;
}
