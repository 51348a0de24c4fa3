import { type ChatCompletionChunk, chunkPart, GatewayError, JsonPayload, type StreamPart } from '@switchyard/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin-detectors.js';
import { maskRequest } from './mask-request.js';
import { restoreStream } from './restore-stream.js';
import { Restorer } from './restorer.js';
import { createScanner } from './scanner.js';

type Delta = ChatCompletionChunk['choices'][number]['delta'];

const originals = new Map([
  ['<EMAIL_1>', 'jane@example.com'],
  ['<EMAIL_2>', 'joe@example.org'],
  ['<PHONE_1>', '+44 20 7946 0958'],
  ['<CARD_10>', '4111111111111111'],
]);

function chunk(delta: Delta, finishReason: ChatCompletionChunk['choices'][number]['finish_reason'] = null, index = 0) {
  const value: ChatCompletionChunk = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index, delta, finish_reason: finishReason }],
  };
  return chunkPart(JsonPayload.fromText(JSON.stringify(value)));
}

async function* from(parts: StreamPart[], failure?: Error): AsyncGenerator<StreamPart> {
  for (const part of parts) yield part;
  if (failure) throw failure;
}

async function collect(parts: AsyncIterable<StreamPart>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const part of parts) chunks.push(part.chunk.value);
  return chunks;
}

function contentOf(chunks: ChatCompletionChunk[], index = 0): string {
  return chunks.map((entry) => entry.choices.find((choice) => choice.index === index)?.delta.content ?? '').join('');
}

function argumentsOf(chunks: ChatCompletionChunk[], toolIndex: number): string {
  return chunks
    .flatMap((entry) => entry.choices.flatMap((choice) => choice.delta.tool_calls ?? []))
    .filter((toolCall) => toolCall.index === toolIndex)
    .map((toolCall) => toolCall.function?.arguments ?? '')
    .join('');
}

describe('restoreStream', () => {
  const restorer = new Restorer(originals);

  it('restores a placeholder split across chunks, holding back only its start', async () => {
    const output = await collect(
      restoreStream(from([chunk({ content: 'Mail <EMA' }), chunk({ content: 'IL_1> now' }), chunk({}, 'stop')]), restorer),
    );
    expect(output.map((entry) => entry.choices[0]?.delta.content)).toEqual(['Mail ', 'jane@example.com now', undefined]);
  });

  it('behaves as the README table shows', async () => {
    const readme = new Restorer(
      new Map([
        ['<EMAIL_1>', 'jane.doe@example.com'],
        ['<PHONE_1>', '+44 20 7946 0958'],
      ]),
    );
    const pieces = ['I will mail <EMA', 'IL_1', '> and call <', 'PHONE_1>. A < b'];
    const output = await collect(restoreStream(from(pieces.map((content) => chunk({ content }))), readme));
    expect(output.map((entry) => entry.choices[0]?.delta.content)).toEqual([
      'I will mail ',
      '',
      'jane.doe@example.com and call ',
      '+44 20 7946 0958. A < b',
    ]);
  });

  it('passes chunks without a "<" through as the same objects, text untouched', async () => {
    const parts = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'plain text' }), chunk({}, 'stop')];
    const seen: StreamPart[] = [];
    for await (const part of restoreStream(from(parts), restorer)) seen.push(part);
    expect(seen).toEqual(parts);
    seen.forEach((part, index) => {
      expect(part).toBe(parts[index]);
      expect(part.chunk.isOriginal).toBe(true);
    });
  });

  it('does not hold a "<" that cannot start one of this request\'s placeholders', async () => {
    const output = await collect(
      restoreStream(from([chunk({ content: 'a <b' }), chunk({ content: ' <X' }), chunk({ content: 'YZ> <' })]), restorer),
    );
    // "<b" and "<X" are no placeholder's start; the final "<" is, and is released at the end.
    expect(output.map((entry) => entry.choices[0]?.delta.content)).toEqual(['a <b', ' <X', 'YZ> ', '<']);
  });

  it('leaves placeholders it did not issue as they are', async () => {
    const output = await collect(restoreStream(from([chunk({ content: '<EMAIL_9> and <EMAIL_1>' })]), restorer));
    expect(contentOf(output)).toBe('<EMAIL_9> and jane@example.com');
  });

  it('releases held text in the finishing chunk and before a finish reason in an empty delta', async () => {
    const inOne = await collect(restoreStream(from([chunk({ content: 'x <EM' }), chunk({ content: 'A' }, 'stop')]), restorer));
    expect(inOne.map((entry) => [entry.choices[0]?.delta.content, entry.choices[0]?.finish_reason])).toEqual([
      ['x ', null],
      ['<EMA', 'stop'],
    ]);
    const separate = await collect(restoreStream(from([chunk({ content: 'x <EM' }), chunk({}, 'length')]), restorer));
    expect(separate.map((entry) => [entry.choices[0]?.delta.content, entry.choices[0]?.finish_reason])).toEqual([
      ['x ', null],
      ['<EM', null],
      [undefined, 'length'],
    ]);
  });

  it('releases held text when the stream ends without a finish reason, and when it fails', async () => {
    expect(contentOf(await collect(restoreStream(from([chunk({ content: 'end <PHO' })]), restorer)))).toBe('end <PHO');
    const failure = new GatewayError({ message: 'upstream broke', kind: 'upstream', status: 502 });
    const seen: ChatCompletionChunk[] = [];
    await expect(async () => {
      for await (const part of restoreStream(from([chunk({ content: 'end <CARD_1' })], failure), restorer)) {
        seen.push(part.chunk.value);
      }
    }).rejects.toBe(failure);
    expect(contentOf(seen)).toBe('end <CARD_1');
  });

  it('restores tool call arguments per tool call, JSON-escaped, and releases one when the next starts', async () => {
    const escaping = new Restorer(new Map([['<NAME_1>', 'say "hi"\\']]));
    const output = await collect(
      restoreStream(
        from([
          chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'send', arguments: '' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"to":"<NA' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: 'ME_1>","x":"<' } }] }),
          chunk({
            tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'log', arguments: '{"a":"<NAME_' } }],
          }),
          chunk({ tool_calls: [{ index: 1, function: { arguments: '1>"}' } }] }),
          chunk({}, 'tool_calls'),
        ]),
        escaping,
      ),
    );
    expect(JSON.parse(argumentsOf(output, 0).concat('"}'))).toEqual({ to: 'say "hi"\\', x: '<' });
    expect(JSON.parse(argumentsOf(output, 1))).toEqual({ a: 'say "hi"\\' });
    // The held "<" of call 0 is sent before call 1 begins.
    const order = output.flatMap((entry) => entry.choices[0]?.delta.tool_calls?.map((toolCall) => toolCall.index) ?? []);
    expect(order).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('keeps a hold per choice', async () => {
    const output = await collect(
      restoreStream(
        from([
          chunk({ content: 'a <EMAIL' }, null, 0),
          chunk({ content: 'b <EMAIL_' }, null, 1),
          chunk({ content: '_2>' }, null, 0),
          chunk({ content: '1>' }, null, 1),
        ]),
        restorer,
      ),
    );
    expect(contentOf(output, 0)).toBe('a joe@example.org');
    expect(contentOf(output, 1)).toBe('b jane@example.com');
  });

  it('restores a refusal and reasoning text as well', async () => {
    const output = await collect(
      restoreStream(from([chunk({ reasoning_content: 'user is <EMAIL_2' }), chunk({ reasoning_content: '>' })]), restorer),
    );
    expect(output.map((entry) => entry.choices[0]?.delta.reasoning_content).join('')).toBe('user is joe@example.org');
  });
});

const values = [
  'jane@example.com',
  'joe.bloggs+tag@mail.example.co.uk',
  '+44 20 7946 0958',
  '13812345678',
  '4111 1111 1111 1111',
  '11010519491231002X',
  'GB82WEST12345698765432',
  '192.168.0.17',
  '2001:db8::1',
];
const noise = ['<', '>', '<E', '<EMAIL_', '<EMAIL_1', '<EMAIL_1>', '<PHONE_2>', '_1>', ' ', '\n', 'é', '😀', '<<'];
const textArbitrary = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...values), fc.constantFrom(...noise)), { maxLength: 24 })
  .map((pieces) => pieces.join(''));

/** Splits text at the given cut points (each taken modulo the length). */
function cut(text: string, points: number[]): string[] {
  const positions = [...new Set(points.map((point) => (text.length === 0 ? 0 : point % (text.length + 1))))].sort(
    (left, right) => left - right,
  );
  const pieces: string[] = [];
  let from = 0;
  for (const position of positions) {
    pieces.push(text.slice(from, position));
    from = position;
  }
  pieces.push(text.slice(from));
  return pieces;
}

const scanner = createScanner(
  builtinDefinitions.map((definition) => ({ definition, rule: { action: 'mask' as const, keepFirst: 0, keepLast: 0 } })),
  [],
);

async function masked(text: string) {
  const outcome = await maskRequest({ model: 'm', messages: [{ role: 'user', content: text }] }, scanner);
  return {
    text: outcome.request.messages[0]?.content as string,
    restorer: new Restorer(outcome.originals),
    issued: [...outcome.originals.keys()],
  };
}

describe('restoreStream properties', () => {
  it('for any text and any chunking of the masked reply, the client gets exactly the original text', async () => {
    await fc.assert(
      fc.asyncProperty(textArbitrary, fc.array(fc.nat(), { maxLength: 30 }), async (original, points) => {
        const { text, restorer } = await masked(original);
        const parts = cut(text, points).map((piece) => chunk({ content: piece }));
        parts.push(chunk({}, 'stop'));
        const output = await collect(restoreStream(from(parts), restorer));
        expect(contentOf(output)).toBe(original);
        expect(output.at(-1)?.choices[0]?.finish_reason).toBe('stop');
      }),
      { numRuns: 400 },
    );
  });

  it('holds back only a tail that can still become a placeholder, and no more', async () => {
    await fc.assert(
      fc.asyncProperty(textArbitrary, fc.array(fc.nat(), { maxLength: 30 }), async (original, points) => {
        const { text, restorer, issued } = await masked(original);
        const pieces = cut(text, points);
        const iterator = restoreStream(from(pieces.map((piece) => chunk({ content: piece }))), restorer)[Symbol.asyncIterator]();
        let received = '';
        let emitted = '';
        for (const piece of pieces) {
          received += piece;
          const next = await iterator.next();
          emitted += next.done ? '' : (next.value.chunk.value.choices[0]?.delta.content ?? '');
          // The tail that must be held: from the last "<", if it is a proper prefix of an issued placeholder.
          const open = received.lastIndexOf('<');
          const tail = open === -1 ? '' : received.slice(open);
          const mustHold = tail !== '' && issued.some((placeholder) => placeholder.startsWith(tail) && placeholder !== tail);
          const sendable = mustHold ? received.slice(0, open) : received;
          expect(emitted).toBe(restorer.restore(sendable));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('restores tool call arguments for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(textArbitrary, fc.array(fc.nat(), { maxLength: 20 }), async (original, points) => {
        const argumentsText = JSON.stringify({ note: original });
        const outcome = await maskRequest(
          {
            model: 'm',
            messages: [
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: argumentsText } }],
              },
            ],
          },
          scanner,
        );
        const sent = outcome.request.messages[0]?.tool_calls?.[0]?.function?.arguments as string;
        const parts = cut(sent, points).map((piece) => chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
        parts.push(chunk({}, 'tool_calls'));
        const output = await collect(restoreStream(from(parts), new Restorer(outcome.originals)));
        expect(JSON.parse(argumentsOf(output, 0))).toEqual({ note: original });
      }),
      { numRuns: 200 },
    );
  });
});
