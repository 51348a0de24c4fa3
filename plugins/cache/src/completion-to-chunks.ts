import type { ChatCompletion, ChatCompletionChunk } from '@switchyard/spec';

/**
 * Turns a cached non-streamed completion into the chunks a streaming upstream would have sent for it:
 * per choice one chunk with the whole message (role, content, refusal, tool calls with their index), then
 * one chunk with its finish reason; then a usage-only chunk (`choices: []`), which the OpenAI encoder drops
 * when the client did not ask for usage. Content is equal to the original; the chunking is not what a
 * streamed original would have been (that one would have been cached as a stream).
 */
export function completionToChunks(completion: ChatCompletion): ChatCompletionChunk[] {
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: completion.created,
    model: completion.model,
    ...(completion.system_fingerprint === undefined ? {} : { system_fingerprint: completion.system_fingerprint }),
  };
  const chunks: ChatCompletionChunk[] = [];
  for (const choice of completion.choices) {
    const message = choice.message;
    const delta: ChatCompletionChunk['choices'][number]['delta'] = { role: 'assistant', content: message.content ?? '' };
    if (message.refusal != null) delta.refusal = message.refusal;
    if (message.tool_calls && message.tool_calls.length > 0) {
      delta.tool_calls = message.tool_calls.map((call, index) => ({
        index,
        id: call.id,
        type: call.type,
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
    }
    chunks.push({ ...base, choices: [{ index: choice.index, delta, finish_reason: null }] });
    chunks.push({ ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason }] });
  }
  if (completion.usage) chunks.push({ ...base, choices: [], usage: completion.usage });
  return chunks;
}
