import type { ChatCompletionChunk, ChatMessage, ToolCall } from '@switchyard/spec';
import { type GeminiFunctionCallFixture, geminiResponse, geminiStreamFrames } from '@switchyard/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertGeminiResponse } from './convert-gemini-response.js';
import { createGeminiStreamConverter } from './convert-gemini-stream.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import type { GeminiContent, GeminiGenerateContentResponse } from './gemini-wire-types.js';

/** One observable step of a conversation, comparable across the canonical and the Gemini shape. */
type Item =
  | { role: 'user' | 'model'; text: string }
  | { role: 'model'; call: { name: string; args: string } }
  | { role: 'user'; response: { name: string; output: string } };

const text = fc.string({ minLength: 1, maxLength: 20 });
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/);
const args = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const signature = fc.option(fc.base64String({ minLength: 4, maxLength: 40 }), { nil: undefined });

/** Random conversations: user turns, assistant text or tool calls, and a tool result for every call. */
const conversation = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant('user' as const), text }),
      fc.record({ kind: fc.constant('assistant' as const), text }),
      fc.record({
        kind: fc.constant('tools' as const),
        calls: fc.array(fc.record({ name, args, output: text }), { minLength: 1, maxLength: 3 }),
      }),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((steps) => {
    const messages: ChatMessage[] = [];
    const expected: Item[] = [];
    let nextId = 0;
    for (const step of steps) {
      if (step.kind === 'user') {
        messages.push({ role: 'user', content: step.text });
        expected.push({ role: 'user', text: step.text });
      } else if (step.kind === 'assistant') {
        messages.push({ role: 'assistant', content: step.text });
        expected.push({ role: 'model', text: step.text });
      } else {
        const calls = step.calls.map((call) => ({ ...call, id: `call_${nextId++}` }));
        messages.push({
          role: 'assistant',
          content: null,
          tool_calls: calls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.args) },
          })),
        });
        for (const call of calls) expected.push({ role: 'model', call: { name: call.name, args: JSON.stringify(call.args) } });
        for (const call of [...calls].reverse()) {
          messages.push({ role: 'tool', tool_call_id: call.id, content: call.output });
          expected.push({ role: 'user', response: { name: call.name, output: call.output } });
        }
      }
    }
    return { messages, expected };
  });

function itemsOf(contents: GeminiContent[]): Item[] {
  return contents.flatMap((content) =>
    content.parts.map((part): Item => {
      const role = content.role ?? 'user';
      if (part.functionCall)
        return { role: 'model', call: { name: part.functionCall.name, args: JSON.stringify(part.functionCall.args) } };
      if (part.functionResponse) {
        return {
          role: 'user',
          response: { name: part.functionResponse.name, output: JSON.stringify(part.functionResponse.response) },
        };
      }
      return { role, text: part.text ?? '' };
    }),
  );
}

/** The documented response rule: a JSON-object result is the response itself, other text `{ output }`. */
function normaliseOutputs(items: Item[]): Item[] {
  return items.map((item) => {
    if (!('response' in item)) return item;
    let response: unknown = { output: item.response.output };
    try {
      const value: unknown = JSON.parse(item.response.output);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) response = value;
    } catch {
      // plain text stays wrapped
    }
    return { role: 'user', response: { name: item.response.name, output: JSON.stringify(response) } };
  });
}

describe('canonical → Gemini (property)', () => {
  it('keeps message order, roles, tool names and argument JSON, and never repeats a role', () => {
    fc.assert(
      fc.property(conversation, ({ messages, expected }) => {
        const { contents } = convertToGeminiContents(messages);
        expect(itemsOf(contents)).toEqual(normaliseOutputs(expected));
        for (let index = 1; index < contents.length; index++) {
          expect(contents[index]?.role).not.toBe(contents[index - 1]?.role);
        }
      }),
    );
  });
});

const functionCalls: fc.Arbitrary<GeminiFunctionCallFixture[]> = fc.array(
  fc.record(
    { name, args, id: fc.option(fc.stringMatching(/^[a-z0-9]{4,12}$/), { nil: undefined }), thoughtSignature: signature },
    { requiredKeys: ['name', 'args'] },
  ),
  { minLength: 1, maxLength: 4 },
);

describe('Gemini → canonical → Gemini (property)', () => {
  it('preserves function calls, arguments and thought signatures through a tool round trip', () => {
    fc.assert(
      fc.property(functionCalls, (calls) => {
        const completion = convertGeminiResponse({
          response: geminiResponse({ functionCalls: calls }) as GeminiGenerateContentResponse,
          model: 'm',
        });
        const toolCalls = completion.choices[0]?.message.tool_calls as ToolCall[];
        expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
        expect(new Set(toolCalls.map((call) => call.id)).size).toBe(calls.length);
        toolCalls.forEach((call, index) => {
          expect(JSON.parse(call.function.arguments)).toEqual(JSON.parse(JSON.stringify(calls[index]?.args)));
          if (calls[index]?.id !== undefined) expect(call.id.startsWith(calls[index].id as string)).toBe(true);
        });

        const { contents } = convertToGeminiContents([
          { role: 'user', content: 'go' },
          completion.choices[0]?.message as ChatMessage,
          ...toolCalls.map(
            (call): ChatMessage => ({ role: 'tool', tool_call_id: call.id, content: `result of ${call.function.name}` }),
          ),
        ]);
        const replayed = contents[1]?.parts ?? [];
        expect(replayed).toEqual(
          calls.map((call) => ({
            functionCall: { name: call.name, args: JSON.parse(JSON.stringify(call.args)) },
            ...(call.thoughtSignature === undefined ? {} : { thoughtSignature: call.thoughtSignature }),
          })),
        );
        expect(contents[2]?.parts.map((part) => part.functionResponse?.name)).toEqual(calls.map((call) => call.name));
      }),
    );
  });
});

function streamed(frames: unknown[]): ChatCompletionChunk[] {
  const converter = createGeminiStreamConverter({ model: 'm', providerId: 'gemini' });
  return [...frames.flatMap((frame) => converter.push(frame as GeminiGenerateContentResponse)), ...converter.finish()];
}

describe('stream vs non-stream (property)', () => {
  it('concatenated deltas equal the full response', () => {
    const finishReason = fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION');
    const usage = fc.record({
      promptTokens: fc.nat(1000),
      candidatesTokens: fc.nat(1000),
      thoughtsTokens: fc.nat(1000),
      cachedTokens: fc.nat(1000),
    });
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 6 }),
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 3 }),
        fc.option(functionCalls, { nil: undefined }),
        finishReason,
        usage,
        (pieces, thoughts, calls, reason, counts) => {
          const full = convertGeminiResponse({
            response: geminiResponse({
              text: pieces.join(''),
              thoughts: thoughts.length > 0 ? [thoughts.join('')] : [],
              functionCalls: calls ?? [],
              finishReason: reason,
              usage: counts,
            }) as GeminiGenerateContentResponse,
            model: 'm',
          });
          const chunks = streamed(
            geminiStreamFrames({ text: pieces, thoughts, functionCalls: calls ?? [], finishReason: reason, usage: counts }),
          );
          const deltas = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta));
          const message = full.choices[0]?.message;
          expect(deltas.map((delta) => delta.content ?? '').join('')).toBe(message?.content ?? '');
          expect(deltas.map((delta) => delta.reasoning_content ?? '').join('')).toBe(message?.reasoning_content ?? '');
          const streamedCalls = deltas.flatMap((delta) => delta.tool_calls ?? []);
          expect(streamedCalls.map((call) => call.index)).toEqual(streamedCalls.map((_, index) => index));
          expect(streamedCalls.map((call) => [call.function?.name, call.function?.arguments])).toEqual(
            (message?.tool_calls ?? []).map((call) => [call.function.name, call.function.arguments]),
          );
          const finishes = chunks
            .flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
            .filter((value) => value !== null);
          expect(finishes).toEqual([full.choices[0]?.finish_reason]);
          expect(chunks.at(-1)?.usage).toEqual(full.usage);
        },
      ),
    );
  });
});
