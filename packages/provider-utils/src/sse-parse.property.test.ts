import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSse, type SseEvent } from './sse-parse.js';

/**
 * Recorded-style event streams (OpenAI data-only frames, Anthropic `event:` + `data:` frames, Gemini data
 * frames, comments, multi-line `data:` fields, `\n` / `\r\n` / `\r` line endings) must parse to the same
 * events however the bytes are split: inside multi-byte UTF-8 sequences, between `\r` and `\n`, anywhere.
 */

type LineEnding = '\n' | '\r\n' | '\r';

/** One block of the stream: the lines it writes and the event it must produce (none for comment blocks). */
interface Block {
  lines: string[];
  expected: { event: string | undefined; data: string } | undefined;
}

const multiByteTexts = [
  '你好',
  '世界',
  '日本語のテキスト',
  '한국어',
  '😀',
  '👋🏽',
  '👨‍👩‍👧‍👦',
  '🇯🇵',
  'é',
  'ß',
  'naïve',
  '€',
  '𝄞',
];
const asciiTexts = ['hello', ' ', 'data: not a field', ':', '\t', '"quoted"', '\\', 'event: no', 'x'];

/** Text with CJK, emoji (surrogate pairs, ZWJ sequences, flags) and SSE look-alikes; never U+FFFD. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...multiByteTexts, ...asciiTexts),
      fc.string({ unit: 'grapheme', maxLength: 4 }).filter((value) => !value.includes('\uFFFD')),
    ),
    { maxLength: 8 },
  )
  .map((pieces) => pieces.join(''));

/** A text that can be a raw `data:` line: no line breaks. */
const lineText = text.map((value) => value.replace(/[\r\n]/g, ' '));

const comment = fc.constantFrom(': ping', ':', ': OPENROUTER PROCESSING', `: keep-alive ${'.'.repeat(3)}`);

const openAIBlock = text.map((content): Block => {
  const data = JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] });
  return { lines: [`data: ${data}`], expected: { event: undefined, data } };
});

const anthropicBlock = fc
  .record({
    name: fc.constantFrom('message_start', 'content_block_delta', 'message_delta', 'message_stop', 'ping'),
    content: text,
  })
  .map(({ name, content }): Block => {
    const data = JSON.stringify({ type: name, index: 0, delta: { type: 'text_delta', text: content } });
    return { lines: [`event: ${name}`, `data: ${data}`], expected: { event: name, data } };
  });

const geminiBlock = text.map((content): Block => {
  const data = JSON.stringify({ candidates: [{ content: { parts: [{ text: content }], role: 'model' }, index: 0 }] });
  // Gemini writes `data:` with a space; some proxies drop it.
  return { lines: [`data:${data}`], expected: { event: undefined, data } };
});

const multiLineDataBlock = fc
  .array(lineText, { minLength: 2, maxLength: 4 })
  .map(
    (lines): Block => ({ lines: lines.map((line) => `data: ${line}`), expected: { event: undefined, data: lines.join('\n') } }),
  );

const commentBlock = comment.map((line): Block => ({ lines: [line], expected: undefined }));

const doneBlock = fc.constant<Block>({ lines: ['data: [DONE]'], expected: { event: undefined, data: '[DONE]' } });

/** A block with comment lines slipped in between its lines (they change nothing). */
const blockWithComments = fc
  .record({
    block: fc.oneof(openAIBlock, anthropicBlock, geminiBlock, multiLineDataBlock, commentBlock, doneBlock),
    comments: fc.array(fc.tuple(fc.nat(), comment), { maxLength: 2 }),
  })
  .map(({ block, comments }): Block => {
    const lines = [...block.lines];
    for (const [position, line] of comments) lines.splice(position % (lines.length + 1), 0, line);
    return { lines, expected: block.expected };
  });

interface RecordedStream {
  text: string;
  expected: Array<{ event: string | undefined; data: string }>;
}

function render(blocks: ReadonlyArray<readonly [Block, LineEnding]>): RecordedStream {
  return {
    text: blocks.map(([block, ending]) => block.lines.map((line) => line + ending).join('') + ending).join(''),
    expected: blocks.flatMap(([block]) => (block.expected === undefined ? [] : [block.expected])),
  };
}

/**
 * Each block uses its own line ending (servers and proxies mix them); a blank line ends it. The last block
 * ends in `\n` or `\r\n`: a stream whose very last bytes are a CR-only blank line is the known bug below.
 */
const recordedStream = fc
  .record({
    blocks: fc.array(fc.tuple(blockWithComments, fc.constantFrom<LineEnding>('\n', '\r\n', '\r')), { maxLength: 7 }),
    last: fc.tuple(blockWithComments, fc.constantFrom<LineEnding>('\n', '\r\n')),
  })
  .map(({ blocks, last }) => render([...blocks, last]));

async function* chunksOf(bytes: Uint8Array, offsets: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const offset of [...offsets].sort((left, right) => left - right)) {
    if (offset <= start || offset >= bytes.length) continue;
    yield bytes.subarray(start, offset);
    start = offset;
  }
  yield bytes.subarray(start);
}

async function parse(bytes: Uint8Array, offsets: readonly number[] = []): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of parseSse(chunksOf(bytes, offsets))) events.push(event);
  return events;
}

/** Offsets that split a multi-byte UTF-8 sequence (before a continuation byte) or a `\r\n` pair. */
function trickyOffsets(bytes: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let index = 1; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    const isContinuation = (byte & 0b1100_0000) === 0b1000_0000;
    const betweenCarriageReturnAndLineFeed = bytes[index - 1] === 0x0d && byte === 0x0a;
    if (isContinuation || betweenCarriageReturnAndLineFeed) offsets.push(index);
  }
  return offsets;
}

const encoder = new TextEncoder();

function withoutIds(events: readonly SseEvent[]): Array<{ event: string | undefined; data: string }> {
  return events.map(({ event, data }) => ({ event, data }));
}

describe('parseSse: byte splits never change the events', () => {
  it('yields the same events for arbitrary splits as for the whole buffer, and the events that were written', async () => {
    const streamWithSplits = recordedStream.chain((stream) => {
      const bytes = encoder.encode(stream.text);
      return fc.record({
        stream: fc.constant(stream),
        bytes: fc.constant(bytes),
        randomOffsets: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 24 }),
        trickyOffsets: fc.subarray(trickyOffsets(bytes)),
      });
    });
    await fc.assert(
      fc.asyncProperty(streamWithSplits, async ({ stream, bytes, randomOffsets, trickyOffsets: tricky }) => {
        const whole = await parse(bytes);
        const split = await parse(bytes, [...randomOffsets, ...tricky]);
        expect(split).toEqual(whole);
        expect(withoutIds(whole)).toEqual(stream.expected);
        for (const event of split) {
          expect(event.data).not.toContain('\uFFFD');
          expect(event.event ?? '').not.toContain('\uFFFD');
        }
      }),
      { numRuns: 300 },
    );
  });

  // eventsource-parser holds a trailing `\r` back in case a `\n` follows; the decoder's end() must release
  // it, or a stream ending in a CR-only blank line (`data: x\r\r`) loses its last, complete event.
  it('keeps the last event of a stream that ends in a CR-only blank line', async () => {
    const bytes = encoder.encode('data: {"text":"完了 ✅"}\r\r');
    expect(withoutIds(await parse(bytes))).toEqual([{ event: undefined, data: '{"text":"完了 ✅"}' }]);
  });

  it('survives one byte per chunk and every two-chunk split of a mixed recorded stream', async () => {
    const recorded = [
      ': ping\r\n\r\n',
      'event: message_start\r\ndata: {"type":"message_start","message":{"id":"msg_1"}}\r\n\r\n',
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"你好 👋🏽"}}\n\n',
      'data: {"choices":[{"delta":{"content":"日本語 🇯🇵"}}]}\r\r',
      'data: first line 😀\r\n: interleaved comment\r\ndata: second line 世界\r\n\r\n',
      'data:{"candidates":[{"content":{"parts":[{"text":"한국어 👨‍👩‍👧‍👦"}]}}]}\r\n\r\n',
      'data: [DONE]\n\n',
    ].join('');
    const bytes = encoder.encode(recorded);
    const expected = [
      { event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1"}}' },
      { event: 'content_block_delta', data: '{"type":"content_block_delta","delta":{"text":"你好 👋🏽"}}' },
      { event: undefined, data: '{"choices":[{"delta":{"content":"日本語 🇯🇵"}}]}' },
      { event: undefined, data: 'first line 😀\nsecond line 世界' },
      { event: undefined, data: '{"candidates":[{"content":{"parts":[{"text":"한국어 👨‍👩‍👧‍👦"}]}}]}' },
      { event: undefined, data: '[DONE]' },
    ];
    const whole = await parse(bytes);
    expect(withoutIds(whole)).toEqual(expected);
    const everyByte = Array.from({ length: bytes.length }, (_, index) => index);
    expect(await parse(bytes, everyByte)).toEqual(whole);
    for (let offset = 1; offset < bytes.length; offset++) {
      expect(await parse(bytes, [offset]), `split at byte ${offset}`).toEqual(whole);
    }
  });
});
