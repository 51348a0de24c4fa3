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
import { anthropicDialect } from './anthropic-dialect.js';
import type { AnthropicContentBlock, AnthropicMessage, AnthropicStreamEvent } from './anthropic-wire-types.js';
import { encodeAnthropicMessage } from './encode-anthropic-message.js';

const toolCall = fc.record({
  id: fc.stringMatching(/^call_[a-z0-9]{1,8}$/),
  name: fc.stringMatching(/^[a-z_]{1,10}$/),
  input: jsonObject,
  cuts: fc.array(fc.nat(), { maxLength: 6 }),
});
const scenario = fc.record({
  reasoning: fragments,
  text: fragments,
  toolCalls: fc.uniqueArray(toolCall, { maxLength: 3, selector: (call) => call.id }),
  finishReason: fc.constantFrom('stop', 'length', 'tool_calls', 'content_filter') satisfies fc.Arbitrary<
    ChatCompletion['choices'][number]['finish_reason']
  >,
  usage: fc
    .record({ prompt: fc.nat(5000), cachedShare: fc.double({ min: 0, max: 1, noNaN: true }), completion: fc.nat(5000) })
    .map(({ prompt, cachedShare, completion }) => ({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: Math.floor(prompt * cachedShare) },
    })),
  usageOnFinishChunk: fc.boolean(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
type Delta = ChatCompletionChunk['choices'][number]['delta'];

function chunk(delta: Delta, finishReason: Scenario['finishReason'] | null = null): ChatCompletionChunk {
  return {
    id: 'chatcmpl-p',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'model-x',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
}

function chunksOf(input: Scenario): ChatCompletionChunk[] {
  const chunks = [chunk({ role: 'assistant', content: '' })];
  for (const piece of input.reasoning) chunks.push(chunk({ reasoning_content: piece }));
  for (const piece of input.text) chunks.push(chunk({ content: piece }));
  input.toolCalls.forEach((call, index) => {
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of split(JSON.stringify(call.input), call.cuts)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  const finish = chunk({}, input.finishReason);
  if (input.usageOnFinishChunk) return [...chunks, { ...finish, usage: input.usage }];
  return [...chunks, finish, { ...chunk({}), choices: [], usage: input.usage }];
}

function completionOf(input: Scenario): ChatCompletion {
  const text = input.text.join('');
  const reasoning = input.reasoning.join('');
  const toolCalls: ToolCall[] = input.toolCalls.map((call) => ({
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.input) },
  }));
  return {
    id: 'chatcmpl-p',
    object: 'chat.completion',
    created: 1,
    model: 'model-x',
    choices: [
      {
        index: 0,
        finish_reason: input.finishReason,
        message: {
          role: 'assistant',
          content: text.length === 0 && toolCalls.length > 0 ? null : text,
          ...(reasoning.length > 0 ? { reasoning_content: reasoning } : {}),
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
      },
    ],
    usage: input.usage,
  };
}

async function* partsOf(chunks: ChatCompletionChunk[]): AsyncGenerator<StreamPart> {
  for (const entry of chunks) yield chunkPart(JsonPayload.fromValue(entry));
}

/** Rebuilds the message from the SSE text the way an Anthropic client accumulates it. */
function reassemble(sse: string): AnthropicMessage {
  let message: AnthropicMessage | undefined;
  const toolJson = new Map<number, string>();
  let stopped = false;
  for (const frame of sse.split('\n\n').filter((entry) => entry.length > 0)) {
    const [eventLine, dataLine] = frame.split('\n');
    const event = JSON.parse(dataLine?.slice('data: '.length) ?? '') as AnthropicStreamEvent;
    expect(eventLine).toBe(`event: ${event.type}`);
    expect(stopped).toBe(false);
    if (event.type === 'message_start') {
      expect(message).toBeUndefined();
      message = { ...event.message, content: [], stop_reason: 'end_turn' };
      continue;
    }
    if (message === undefined) throw new Error(`${event.type} before message_start`);
    if (event.type === 'content_block_start') {
      expect(event.index).toBe(message.content.length);
      message.content.push({ ...event.content_block } as AnthropicContentBlock);
    } else if (event.type === 'content_block_delta') {
      const block = message.content[event.index];
      if (block?.type === 'text' && event.delta.type === 'text_delta') block.text += event.delta.text;
      else if (block?.type === 'thinking' && event.delta.type === 'thinking_delta') block.thinking += event.delta.thinking;
      else if (block?.type === 'tool_use' && event.delta.type === 'input_json_delta') {
        toolJson.set(event.index, (toolJson.get(event.index) ?? '') + event.delta.partial_json);
      } else throw new Error(`mismatched delta ${event.delta.type} for block ${event.index}`);
    } else if (event.type === 'message_delta') {
      message.stop_reason = event.delta.stop_reason;
      message.stop_sequence = event.delta.stop_sequence;
      message.usage = event.usage;
    } else if (event.type === 'message_stop') {
      stopped = true;
    }
  }
  if (message === undefined || !stopped) throw new Error('incomplete stream');
  for (const [index, json] of toolJson) {
    const block = message.content[index];
    if (block?.type === 'tool_use') block.input = JSON.parse(json) as Record<string, unknown>;
  }
  return message;
}

describe('Anthropic stream ⇄ message equivalence', () => {
  it('a streamed reply reassembles to the message encodeCompletion writes for the same reply', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        let sse = '';
        for await (const text of anthropicDialect.encodeStream(partsOf(chunksOf(input)), { includeUsage: false })) sse += text;
        expect(reassemble(sse)).toEqual(encodeAnthropicMessage(completionOf(input)));
      }),
      { numRuns: 300 },
    );
  });
});
