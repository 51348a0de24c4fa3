import {
  type ChatCompletion,
  type ChatCompletionChunk,
  chunkPart,
  JsonPayload,
  type StreamPart,
  type ToolCall,
} from '@switchyard/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fragments, jsonObject, split } from '../../../test/stream-scenarios.js';
import { encodeGeminiResponse } from './encode-gemini-response.js';
import { geminiDialect } from './gemini-dialect.js';
import type { GeminiFinishReason, GeminiGenerateContentResponse, GeminiUsageMetadata } from './gemini-wire-types.js';

const toolCall = fc.record({
  id: fc.stringMatching(/^call_[a-z0-9]{1,8}$/),
  name: fc.stringMatching(/^[a-z_]{1,10}$/),
  args: jsonObject,
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});
const choice = fc.record({
  reasoning: fragments,
  text: fragments,
  toolCalls: fc.uniqueArray(toolCall, { maxLength: 3, selector: (call) => call.id }),
  finishReason: fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter') satisfies fc.Arbitrary<
    ChatCompletion['choices'][number]['finish_reason']
  >,
});
const scenario = fc.record({
  choices: fc.array(choice, { minLength: 1, maxLength: 2 }),
  usage: fc
    .record({ prompt: fc.nat(5000), cached: fc.nat(5000), completion: fc.nat(5000), reasoning: fc.nat(5000) })
    .map(({ prompt, cached, completion, reasoning }) => ({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: Math.min(cached, prompt) },
      completion_tokens_details: { reasoning_tokens: Math.min(reasoning, completion) },
    })),
  usageOnFinishChunk: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type Delta = ChatCompletionChunk['choices'][number]['delta'];

function chunk(
  index: number,
  delta: Delta,
  finishReason: ChatCompletion['choices'][number]['finish_reason'] = null,
): ChatCompletionChunk {
  return {
    id: 'chatcmpl-p',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'model-x',
    choices: [{ index, delta, finish_reason: finishReason }],
  };
}

/** Choices stream one after the other; the last chunk finishes the last choice (and may carry usage). */
function chunksOf(input: Scenario): ChatCompletionChunk[] {
  const chunks: ChatCompletionChunk[] = [];
  input.choices.forEach((entry, index) => {
    chunks.push(chunk(index, { role: 'assistant', content: '' }));
    for (const piece of entry.reasoning) chunks.push(chunk(index, { reasoning_content: piece }));
    for (const piece of entry.text) chunks.push(chunk(index, { content: piece }));
    entry.toolCalls.forEach((call, toolIndex) => {
      chunks.push(
        chunk(index, {
          tool_calls: [{ index: toolIndex, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }],
        }),
      );
      for (const piece of split(JSON.stringify(call.args), call.cuts)) {
        chunks.push(chunk(index, { tool_calls: [{ index: toolIndex, function: { arguments: piece } }] }));
      }
    });
    chunks.push(chunk(index, {}, entry.finishReason));
  });
  const last = chunks.pop() as ChatCompletionChunk;
  if (input.usageOnFinishChunk) return [...chunks, { ...last, usage: input.usage }];
  return [...chunks, last, { ...last, choices: [], usage: input.usage }];
}

function completionOf(input: Scenario): ChatCompletion {
  return {
    id: 'chatcmpl-p',
    object: 'chat.completion',
    created: 1,
    model: 'model-x',
    choices: input.choices.map((entry, index) => {
      const text = entry.text.join('');
      const reasoning = entry.reasoning.join('');
      const toolCalls: ToolCall[] = entry.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify(call.args) },
      }));
      return {
        index,
        finish_reason: entry.finishReason,
        message: {
          role: 'assistant',
          content: text.length === 0 && toolCalls.length > 0 ? null : text,
          ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      };
    }),
    usage: input.usage,
  };
}

async function* partsOf(chunks: ChatCompletionChunk[]): AsyncGenerator<StreamPart> {
  for (const entry of chunks) yield chunkPart(JsonPayload.fromValue(entry));
}

interface Assembled {
  thought: string;
  text: string;
  functionCalls: unknown[];
  finishReason: GeminiFinishReason | undefined;
}

/** What a client keeps of a candidate: its thought text, visible text, function calls and finish reason. */
function summarize(responses: GeminiGenerateContentResponse[]): {
  candidates: Map<number, Assembled>;
  usage: GeminiUsageMetadata | undefined;
} {
  const candidates = new Map<number, Assembled>();
  let usage: GeminiUsageMetadata | undefined;
  for (const response of responses) {
    expect(response.modelVersion).toBe('model-x');
    expect(response.responseId).toBe('chatcmpl-p');
    usage = response.usageMetadata ?? usage;
    for (const candidate of response.candidates ?? []) {
      const entry = candidates.get(candidate.index) ?? { thought: '', text: '', functionCalls: [], finishReason: undefined };
      expect(entry.finishReason).toBeUndefined();
      for (const part of candidate.content.parts) {
        if (part.functionCall !== undefined) entry.functionCalls.push(part.functionCall);
        else if (part.thought === true) entry.thought += part.text ?? '';
        else entry.text += part.text ?? '';
      }
      entry.finishReason = candidate.finishReason;
      candidates.set(candidate.index, entry);
    }
  }
  return { candidates, usage };
}

describe('Gemini stream ⇄ response equivalence', () => {
  it('streamed frames reassemble to the response encodeCompletion writes for the same reply', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        let sse = '';
        for await (const text of geminiDialect.encodeStream(partsOf(chunksOf(input)), { includeUsage: false })) sse += text;
        expect(sse.endsWith('\n\n')).toBe(true);
        const frames = sse
          .split('\n\n')
          .filter((frame) => frame.length > 0)
          .map((frame) => JSON.parse(frame.replace(/^data: /, '')) as GeminiGenerateContentResponse);
        expect(summarize(frames)).toEqual(summarize([encodeGeminiResponse(completionOf(input))]));
      }),
      { numRuns: 300 },
    );
  });
});
