import { inheritNativeStream } from '@switchyard/spec';

export interface TapHooks<T> {
  /** Runs before each request for the next item (e.g. to arm an idle timer). */
  beforeNext?(): void;
  /** Sees each item as it passes. */
  onValue?(item: T): void;
  /** Runs once when the source ends, fails, or the consumer stops early (`error` set on failure). */
  onEnd?(outcome: { error?: unknown; stopped: boolean }): void;
  /** Replaces a failure of the source with another error to throw, or with a clean end (`undefined`). */
  mapError?(error: unknown): { error: unknown } | undefined;
}

/**
 * Watches an async iterable without adding an async-generator layer: one promise continuation per item
 * instead of a generator's several. Streams pass through several such taps (usage, idle timers, request
 * bookkeeping), so this is measurable on the hot path.
 */
export function tapAsyncIterable<T>(source: AsyncIterable<T>, hooks: TapHooks<T>): AsyncIterableIterator<T> {
  const inner = source[Symbol.asyncIterator]();
  let ended = false;
  const end = (outcome: { error?: unknown; stopped: boolean }) => {
    if (ended) return;
    ended = true;
    hooks.onEnd?.(outcome);
  };
  const tapped: AsyncIterableIterator<T> = {
    [Symbol.asyncIterator]: () => tapped,
    next() {
      hooks.beforeNext?.();
      return inner.next().then(
        (result) => {
          if (result.done) end({ stopped: false });
          else hooks.onValue?.(result.value);
          return result;
        },
        (error: unknown) => {
          const mapped = hooks.mapError ? hooks.mapError(error) : { error };
          end({ error: mapped?.error ?? error, stopped: false });
          if (mapped === undefined) return { done: true, value: undefined };
          throw mapped.error;
        },
      );
    },
    async return(value?: unknown) {
      end({ stopped: true });
      if (inner.return) await inner.return(value);
      return { done: true, value: undefined };
    },
  };
  // A tap changes no value, so a stream of native frames stays native through it.
  inheritNativeStream(tapped, source);
  return tapped;
}
