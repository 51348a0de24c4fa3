import type { AssistantMessage, ChatCompletion, ChatCompletionChunk, ToolCall, Usage } from '@switchyard/spec';

interface ChoiceBuilder {
  index: number;
  content: string;
  hasContent: boolean;
  refusal: string | undefined;
  toolCalls: ToolCall[];
  finishReason: ChatCompletion['choices'][number]['finish_reason'];
}

/**
 * Assembles a recorded stream into the `chat.completion` a non-streamed call would have returned: content
 * and refusals concatenated per choice, tool-call deltas merged by index (arguments concatenated), the
 * last finish reason and usage kept, id/created/model from the first chunk.
 */
export function chunksToCompletion(chunks: readonly ChatCompletionChunk[]): ChatCompletion {
  const first = chunks[0];
  const choices = new Map<number, ChoiceBuilder>();
  let usage: Usage | null | undefined;
  let fingerprint: unknown;
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    if (chunk.system_fingerprint !== undefined) fingerprint = chunk.system_fingerprint;
    for (const choice of chunk.choices ?? []) {
      let builder = choices.get(choice.index);
      if (!builder) {
        builder = { index: choice.index, content: '', hasContent: false, refusal: undefined, toolCalls: [], finishReason: null };
        choices.set(choice.index, builder);
      }
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string') {
        builder.content += delta.content;
        builder.hasContent = true;
      }
      if (typeof delta.refusal === 'string') builder.refusal = (builder.refusal ?? '') + delta.refusal;
      for (const call of delta.tool_calls ?? []) {
        let target = builder.toolCalls[call.index];
        if (!target) {
          target = { id: '', type: 'function', function: { name: '', arguments: '' } };
          builder.toolCalls[call.index] = target;
        }
        if (call.id) target.id = call.id;
        if (call.type) target.type = call.type;
        if (call.function?.name) target.function.name += call.function.name;
        if (call.function?.arguments) target.function.arguments += call.function.arguments;
      }
      if (choice.finish_reason) builder.finishReason = choice.finish_reason;
    }
  }
  const completion: ChatCompletion = {
    id: first?.id ?? '',
    object: 'chat.completion',
    created: first?.created ?? 0,
    model: first?.model ?? '',
    choices: [...choices.values()]
      .sort((left, right) => left.index - right.index)
      .map((builder) => {
        const message: AssistantMessage = {
          role: 'assistant',
          content: builder.hasContent || builder.toolCalls.length === 0 ? builder.content : null,
          refusal: builder.refusal ?? null,
        };
        const calls = builder.toolCalls.filter((call) => call !== undefined);
        if (calls.length > 0) message.tool_calls = calls;
        return { index: builder.index, message, logprobs: null, finish_reason: builder.finishReason };
      }),
  };
  if (usage) completion.usage = usage;
  if (fingerprint !== undefined) completion.system_fingerprint = fingerprint;
  return completion;
}
