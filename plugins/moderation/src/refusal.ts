import { type ChatCompletion, type ChatCompletionChunk, chunkPart, JsonPayload, type StreamPart } from '@switchyard/spec';

export const defaultRefusal = 'The response was withheld by content moderation.';

/** A copy of the completion whose flagged choices say `refusal` and finish with `content_filter`. */
export function refuseChoices(completion: ChatCompletion, flaggedIndexes: ReadonlySet<number>, refusal: string): ChatCompletion {
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      if (!flaggedIndexes.has(choice.index)) return choice;
      const { tool_calls: _toolCalls, ...message } = choice.message;
      return { ...choice, message: { ...message, content: refusal }, finish_reason: 'content_filter' };
    }),
  };
}

/** A complete stream that says `refusal` and finishes with `content_filter`, in the identity of the original. */
export async function* refusalStream(
  identity: { id?: string; model?: string; created?: number },
  refusal: string,
): AsyncGenerator<StreamPart> {
  const base = {
    id: identity.id ?? 'chatcmpl-moderated',
    object: 'chat.completion.chunk' as const,
    created: identity.created ?? Math.floor(Date.now() / 1000),
    model: identity.model ?? 'unknown',
  };
  const content: ChatCompletionChunk = {
    ...base,
    choices: [{ index: 0, delta: { role: 'assistant', content: refusal }, finish_reason: null }],
  };
  const finish: ChatCompletionChunk = { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'content_filter' }] };
  yield chunkPart(JsonPayload.fromValue(content));
  yield chunkPart(JsonPayload.fromValue(finish));
}
