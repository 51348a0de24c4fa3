import { type ChatCompletionChunk, chunkPart, isGatewayError, JsonPayload, type StreamPart } from '@switchyard/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCheckChain } from './check-chain.js';
import { moderateStream } from './moderate-stream.js';
import { createRulesCheck } from './rules-check.js';

const phrase = 'open the pod bay doors';
const chain = createCheckChain({ checks: [createRulesCheck({ deny: [phrase] })] });

function chunk(choices: ChatCompletionChunk['choices']): StreamPart {
  return chunkPart(
    JsonPayload.fromText(JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices })),
  );
}

function contentChunk(content: string, index = 0): StreamPart {
  return chunk([{ index, delta: { content }, finish_reason: null }]);
}

async function* fromArray(parts: StreamPart[], onPull?: (count: number) => void): AsyncGenerator<StreamPart> {
  let count = 0;
  for (const part of parts) {
    onPull?.(++count);
    yield part;
  }
}

/** Cuts `text` at the given offsets into consecutive non-empty pieces. */
function cut(text: string, offsets: number[]): string[] {
  const points = [...new Set(offsets.map((offset) => offset % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of [...points, text.length]) {
    if (point > start) pieces.push(text.slice(start, point));
    start = Math.max(start, point);
  }
  return pieces;
}

interface Received {
  text: string;
  parts: number;
  error?: unknown;
}

async function consume(stream: AsyncIterable<StreamPart>): Promise<Received> {
  const received: Received = { text: '', parts: 0 };
  try {
    for await (const part of stream) {
      received.parts++;
      for (const choice of part.chunk.value.choices) received.text += choice.delta.content ?? '';
    }
  } catch (error) {
    received.error = error;
  }
  return received;
}

function options(holdBackChars: number, windowChars: number) {
  return {
    chain,
    holdBackChars,
    windowChars,
    signal: new AbortController().signal,
    requestId: 'req_stream',
    onWindow: () => {},
    identity: {},
  };
}

describe('moderateStream', () => {
  it('passes clean text through unchanged, part for part, keeping the original payload text', async () => {
    const parts = [chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])];
    for (const word of 'a perfectly harmless reply about doors and pods'.split(/(?<= )/)) parts.push(contentChunk(word));
    parts.push(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    const out: StreamPart[] = [];
    for await (const part of moderateStream(fromArray(parts), options(10, 5))) out.push(part);
    expect(out.map((part) => part.chunk.text)).toEqual(parts.map((part) => part.chunk.text));
    expect(out.every((part) => part.chunk.isOriginal)).toBe(true);
  });

  it('never releases any character of a flagged phrase, for any chunking and window size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'x'), maxLength: 80 }),
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'y'), maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: phrase.length, max: phrase.length + 40 }),
        fc.integer({ min: 1, max: 60 }),
        async (before, after, offsets, holdBackChars, windowChars) => {
          const text = `${before} ${phrase} ${after}`;
          const phraseAt = before.length + 1;
          const parts = cut(text, offsets).map((piece) => contentChunk(piece));
          const received = await consume(moderateStream(fromArray(parts), options(holdBackChars, windowChars)));
          expect(isGatewayError(received.error) && received.error.code).toBe('content_flagged');
          expect(received.text.length).toBeLessThanOrEqual(phraseAt);
          expect(text.startsWith(received.text)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('releases everything of a clean text for any chunking, and nothing is lost or reordered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: fc.constantFrom('a', 'b', ' ', 'o', 'p'), maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        async (text, offsets, holdBackChars, windowChars) => {
          const parts = cut(text, offsets).map((piece) => contentChunk(piece));
          const received = await consume(moderateStream(fromArray(parts), options(holdBackChars, windowChars)));
          expect(received.error).toBeUndefined();
          expect(received.text).toBe(text);
          expect(received.parts).toBe(parts.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds the first part until the first window passed, then releases with a bounded lag', async () => {
    const words = Array.from({ length: 40 }, (_, index) => `${String(index).padStart(2, '0')}w `); // 4 chars each
    const pulled: number[] = [];
    let pulledCount = 0;
    const stream = moderateStream(
      fromArray(
        words.map((word) => contentChunk(word)),
        (count) => {
          pulledCount = count;
        },
      ),
      options(20, 20),
    );
    for await (const _part of stream) pulled.push(pulledCount);
    // The first window (20 chars = 5 words) must have been read before the first release.
    expect(pulled[0]).toBeGreaterThanOrEqual(5);
    // Never more than holdBack + window characters (10 words) behind the upstream.
    for (const [released, upstreamCount] of pulled.entries()) expect(upstreamCount - released).toBeLessThanOrEqual(11);
  });

  it('checks choices separately and stops the upstream when a window flags', async () => {
    let returned = false;
    const upstream = (async function* () {
      try {
        yield contentChunk('fine text ', 0);
        yield contentChunk('open the pod ', 1);
        yield contentChunk('bay doors now', 1);
        yield contentChunk('never read', 0);
      } finally {
        returned = true;
      }
    })();
    const windows: string[][] = [];
    const received = await consume(
      moderateStream(upstream, { ...options(30, 5), onWindow: (verdict) => windows.push([...verdict.categories]) }),
    );
    expect(isGatewayError(received.error) && received.error.code).toBe('content_flagged');
    expect(received.text).not.toContain('open');
    expect(returned).toBe(true);
    expect(windows.at(-1)).toEqual(['deny-list']);
  });

  it('does not hold back tool-call deltas waiting for text', async () => {
    const toolDelta = chunk([
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, id: 't1', function: { name: 'f', arguments: '{}' } }] },
        finish_reason: null,
      },
    ]);
    let pulled = 0;
    const upstream = (async function* () {
      pulled++;
      yield toolDelta;
      pulled++;
      yield chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]);
    })();
    const iterator = moderateStream(upstream, options(200, 200))[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toBe(toolDelta);
    expect(pulled).toBe(1);
    await iterator.return?.(undefined);
  });
});
