import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OutboundReadable } from './outbound-readable.js';

/** A producer that counts how far it was pulled and whether it was ended early. */
function producer(pieces: number, pieceBytes: number) {
  const state = { pulled: 0, returned: false };
  async function* generate() {
    try {
      for (let index = 0; index < pieces; index++) {
        await delay(0);
        state.pulled++;
        yield 'x'.repeat(pieceBytes);
      }
    } finally {
      state.returned = state.pulled < pieces;
    }
  }
  return { state, body: generate() };
}

describe('OutboundReadable', () => {
  it('stops pulling from the producer while nobody reads (backpressure), then delivers everything', async () => {
    const { state, body } = producer(300, 1024);
    const readable = new OutboundReadable(body);
    readable.pause();
    readable.read(0); // starts the pull loop like a first pipe() would
    await delay(100);
    // 16 kB of buffer at 1 kB a piece: the producer is held back far before its 300 pieces.
    expect(state.pulled).toBeGreaterThan(0);
    expect(state.pulled).toBeLessThan(40);
    let bytes = 0;
    for await (const chunk of readable) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(300 * 1024);
    expect(state.pulled).toBe(300);
    expect(state.returned).toBe(false);
  });

  it('joins pieces produced in the same tick into one chunk', async () => {
    async function* sameTick() {
      yield 'data: a\n\n';
      yield 'data: b\n\n';
      yield 'data: c\n\n';
    }
    const chunks: string[] = [];
    for await (const chunk of new OutboundReadable(sameTick())) chunks.push(String(chunk));
    expect(chunks.join('')).toBe('data: a\n\ndata: b\n\ndata: c\n\n');
    expect(chunks.length).toBeLessThan(3);
  });

  it('ends the producer when destroyed (the client went away)', async () => {
    const { state, body } = producer(1000, 10);
    const readable = new OutboundReadable(body);
    await new Promise<void>((resolve) => readable.once('data', () => resolve()));
    readable.destroy();
    await new Promise((resolve) => readable.once('close', resolve));
    await delay(10);
    expect(state.returned).toBe(true);
    expect(state.pulled).toBeLessThan(1000);
  });

  it('errors (so the host breaks the connection) when the producer fails mid-stream', async () => {
    async function* failing() {
      yield 'data: one\n\n';
      await delay(1);
      throw new Error('upstream broke');
    }
    const readable = new OutboundReadable(failing());
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of readable) received.push(String(chunk));
      })(),
    ).rejects.toThrow('upstream broke');
    expect(received).toEqual(['data: one\n\n']);
  });
});
