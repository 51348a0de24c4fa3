import type { ChatMessage, ToolCallDelta } from '@switchyard/spec';
import { anthropicMessage, anthropicStreamEvents } from '@switchyard/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnthropicContentBlockParam, AnthropicMessage, AnthropicStreamEvent } from './anthropic-wire-types.js';
import { convertFromAnthropicMessage } from './convert-from-anthropic-message.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { createAnthropicStreamConverter } from './create-anthropic-stream-converter.js';

type Item =
  | { kind: 'text'; role: 'user' | 'assistant'; text: string }
  | { kind: 'tool_use'; id: string; name: string; input: unknown }
  | { kind: 'tool_result'; id: string; content: string };

const jsonObject = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const nonEmptyText = fc.string({ minLength: 1, maxLength: 12 });
const toolId = fc.stringMatching(/^toolu_[a-z0-9]{1,8}$/);

const message: fc.Arbitrary<ChatMessage> = fc.oneof(
  nonEmptyText.map((content): ChatMessage => ({ role: 'user', content })),
  nonEmptyText.map((content): ChatMessage => ({ role: 'system', content })),
  fc
    .record({
      content: fc.option(nonEmptyText, { nil: null }),
      calls: fc.array(fc.record({ id: toolId, name: fc.stringMatching(/^[a-z_]{1,10}$/), input: jsonObject }), { maxLength: 3 }),
    })
    .map(
      ({ content, calls }): ChatMessage => ({
        role: 'assistant',
        content,
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((call) => ({
                id: call.id,
                type: 'function',
                function: { name: call.name, arguments: JSON.stringify(call.input) },
              })),
            }
          : {}),
      }),
    ),
  fc
    .record({ id: toolId, content: nonEmptyText })
    .map(({ id, content }): ChatMessage => ({ role: 'tool', tool_call_id: id, content })),
);

/** What each canonical message should become, in order, with the role it lands in. */
function expectedItems(messages: ChatMessage[]): Item[] {
  return messages.flatMap((entry): Item[] => {
    if (entry.role === 'user') return [{ kind: 'text', role: 'user', text: entry.content as string }];
    if (entry.role === 'tool')
      return [{ kind: 'tool_result', id: entry.tool_call_id as string, content: entry.content as string }];
    if (entry.role !== 'assistant') return [];
    const text: Item[] = typeof entry.content === 'string' ? [{ kind: 'text', role: 'assistant', text: entry.content }] : [];
    const calls = (entry.tool_calls ?? []).map(
      (call): Item => ({
        kind: 'tool_use',
        id: call.id,
        name: call.function?.name ?? '',
        input: JSON.parse(call.function?.arguments ?? ''),
      }),
    );
    return [...text, ...calls];
  });
}

function actualItems(turns: ReturnType<typeof convertToAnthropicMessages>['messages']): Item[] {
  return turns.flatMap(({ role, content }): Item[] => {
    const blocks: AnthropicContentBlockParam[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
    return blocks.map((block): Item => {
      if (block.type === 'text') return { kind: 'text', role, text: block.text };
      if (block.type === 'tool_use') return { kind: 'tool_use', id: block.id, name: block.name, input: block.input };
      if (block.type === 'tool_result') return { kind: 'tool_result', id: block.tool_use_id, content: block.content as string };
      throw new Error(`unexpected block ${block.type}`);
    });
  });
}

describe('request conversion properties', () => {
  it('keeps message order, roles, tool ids and argument JSON; turns alternate; system goes on top', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 12 }), (messages) => {
        const { system, messages: turns } = convertToAnthropicMessages(messages);
        expect(actualItems(turns)).toEqual(expectedItems(messages));
        for (const [index, turn] of turns.entries()) {
          expect(['user', 'assistant']).toContain(turn.role);
          if (index > 0) expect(turn.role).not.toBe(turns[index - 1]?.role);
        }
        expect(system.map((block) => block.text)).toEqual(
          messages.filter((entry) => entry.role === 'system').map((entry) => entry.content),
        );
      }),
    );
  });
});

/** Splits a text at the given (sorted, deduplicated) cut points. */
function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let start = 0;
  for (const point of points) {
    pieces.push(text.slice(start, point));
    start = point;
  }
  pieces.push(text.slice(start));
  return pieces;
}

describe('stream conversion properties', () => {
  it('for any split of partial_json, streamed arguments concatenate to the non-stream arguments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ input: jsonObject, cuts: fc.array(fc.nat(), { maxLength: 6 }) }), { minLength: 1, maxLength: 3 }),
        (tools) => {
          const toolUses = tools.map(({ input, cuts }, index) => ({
            id: `toolu_${index}`,
            name: `tool_${index}`,
            input,
            partialJson: splitAt(JSON.stringify(input), cuts),
          }));
          const converter = createAnthropicStreamConverter({ created: 1, model: 'm' });
          const chunks = anthropicStreamEvents({ text: ['x'], toolUses }).flatMap((event) =>
            converter.push(event.data as AnthropicStreamEvent),
          );
          const streamed: Record<number, { id?: string; arguments: string }> = {};
          for (const chunk of chunks) {
            for (const call of (chunk.choices[0]?.delta.tool_calls ?? []) as ToolCallDelta[]) {
              streamed[call.index] ??= { arguments: '' };
              const entry = streamed[call.index] as { id?: string; arguments: string };
              if (call.id !== undefined) entry.id = call.id;
              entry.arguments += call.function?.arguments ?? '';
            }
          }
          const nonStream = convertFromAnthropicMessage({
            message: anthropicMessage({ text: 'x', toolUses }) as unknown as AnthropicMessage,
            created: 1,
          }).choices[0]?.message.tool_calls;
          expect(Object.values(streamed)).toEqual(
            nonStream?.map((call) => ({ id: call.id, arguments: call.function.arguments })),
          );
        },
      ),
    );
  });
});
