import { Readable } from 'node:stream';

/**
 * A Readable over the gateway's stream body, for `reply.send()`. It pulls the next piece only while the
 * stream's buffer has room (so a slow client slows the upstream down instead of filling memory), joins
 * the pieces produced in one tick into one chunk (one chunked-encoding frame instead of several), and
 * ends the producer (`return()`) when Fastify destroys it because the client went away.
 */
export class OutboundReadable extends Readable {
  readonly #iterator: AsyncIterator<string | Uint8Array>;
  #pending: Array<string | Uint8Array> = [];
  #flushScheduled = false;
  #pulling = false;
  /** Set when push() said the buffer is full: the pull loop waits for the next _read(). */
  #wanted: (() => void) | undefined;
  #full = false;
  #finished = false;

  constructor(body: AsyncIterable<string | Uint8Array>) {
    // One pushed chunk may be a whole batch; 16 kB of buffered bytes is what Node's sockets use too.
    super({ highWaterMark: 16 * 1024 });
    this.#iterator = body[Symbol.asyncIterator]();
  }

  override _read(): void {
    this.#full = false;
    const wanted = this.#wanted;
    this.#wanted = undefined;
    wanted?.();
    if (!this.#pulling) void this.#pull();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#wanted?.();
    if (this.#finished) {
      callback(error);
      return;
    }
    this.#finished = true;
    // The client left (or the host failed): end the producer so the gateway releases the upstream.
    Promise.resolve(this.#iterator.return?.()).then(
      () => callback(error),
      () => callback(error),
    );
  }

  async #pull(): Promise<void> {
    this.#pulling = true;
    try {
      while (!this.destroyed) {
        if (this.#full) await new Promise<void>((resolve) => (this.#wanted = resolve));
        if (this.destroyed) return;
        const next = await this.#iterator.next();
        if (this.destroyed) return;
        if (next.done) {
          this.#finished = true;
          this.#flush();
          this.push(null);
          return;
        }
        this.#pending.push(next.value);
        if (!this.#flushScheduled) {
          this.#flushScheduled = true;
          process.nextTick(() => this.#flush());
        }
      }
    } catch (error) {
      // The producer failed after the headers went out: the body is incomplete, so the connection must
      // not look like a clean end (Fastify destroys the response when its stream errors).
      this.#finished = true;
      this.#flush();
      this.destroy(error instanceof Error ? error : new Error('The response stream failed.'));
    } finally {
      this.#pulling = false;
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#pending.length === 0 || this.destroyed) return;
    const pieces = this.#pending;
    this.#pending = [];
    const joined =
      pieces.length === 1
        ? (pieces[0] as string | Uint8Array)
        : Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)));
    if (!this.push(joined)) this.#full = true;
  }
}
