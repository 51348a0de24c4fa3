import { type ChatCompletionChunk, chunkPart, JsonPayload, type StreamPart, type ToolCallDelta } from '@switchyard/spec';
import { mayHoldPlaceholder, textFields } from './restore-completion.js';
import type { Restorer } from './restorer.js';

type Choice = ChatCompletionChunk['choices'][number];
type Delta = Choice['delta'];

const toolPrefix = 'tool:';

/**
 * Restores placeholders in a stream of chunks, also when one is split across chunks (`<EMA` + `IL_1>`).
 *
 * Text is held back only while it may still become a placeholder of this request: from the last `<` of a
 * field, if that tail is a proper prefix of one of them. Everything before it is sent at once. Each text
 * field of each choice (content, refusal, reasoning, and every tool call's arguments) has its own hold.
 * Held text is released when it cannot be a placeholder any more, when the same choice moves on to
 * another field, before its finish reason, and at the end of the stream (also when the stream fails).
 * Chunks that need no change are passed on as they are, text untouched.
 */
export async function* restoreStream(parts: AsyncIterable<StreamPart>, restorer: Restorer): AsyncGenerator<StreamPart> {
  /** Choice index → field → held text. */
  const held = new Map<number, Map<string, string>>();
  let heldCount = 0;
  let lastChunk: ChatCompletionChunk | undefined;

  const heldOf = (index: number): Map<string, string> => {
    let fields = held.get(index);
    if (fields === undefined) {
      fields = new Map();
      held.set(index, fields);
    }
    return fields;
  };

  /** Feeds one piece of a field; returns what to send now. */
  const feed = (fields: Map<string, string>, key: string, piece: string, final: boolean, json: boolean): string => {
    const previous = fields.get(key);
    if (previous === undefined && !piece.includes('<')) return piece;
    const combined = previous === undefined ? piece : previous + piece;
    const hold = final ? 0 : restorer.holdLength(combined);
    if (hold > 0) {
      if (previous === undefined) heldCount++;
      fields.set(key, combined.slice(combined.length - hold));
    } else if (previous !== undefined) {
      heldCount--;
      fields.delete(key);
    }
    return restorer.restore(hold > 0 ? combined.slice(0, combined.length - hold) : combined, json);
  };

  /** Moves held fields into a delta of their own (for a chunk sent before the current one). */
  const release = (fields: Map<string, string>, keep: ReadonlySet<string> | undefined): Delta | undefined => {
    let delta: Delta | undefined;
    for (const [key, text] of fields) {
      if (keep?.has(key)) continue;
      fields.delete(key);
      heldCount--;
      delta ??= {};
      if (key.startsWith(toolPrefix)) {
        delta.tool_calls ??= [];
        delta.tool_calls.push({
          index: Number(key.slice(toolPrefix.length)),
          function: { arguments: restorer.restore(text, true) },
        });
      } else {
        delta[key] = restorer.restore(text);
      }
    }
    return delta;
  };

  const releaseChunk = (template: ChatCompletionChunk, choices: Choice[]): StreamPart => {
    const chunk: ChatCompletionChunk = { ...template, choices };
    if (chunk.usage !== undefined) chunk.usage = null;
    return chunkPart(JsonPayload.fromValue(chunk));
  };

  const releaseAll = (): Choice[] => {
    const choices: Choice[] = [];
    for (const [index, fields] of held) {
      const delta = release(fields, undefined);
      if (delta !== undefined) choices.push({ index, delta, finish_reason: null });
    }
    return choices;
  };

  try {
    for await (const part of parts) {
      const payload = part.chunk;
      if (heldCount === 0 && payload.isOriginal && !mayHoldPlaceholder(payload.text)) {
        yield part;
        continue;
      }
      const chunk = payload.value;
      lastChunk = chunk;
      const released: Choice[] = [];
      let changed = false;
      const choices = chunk.choices.map((choice) => {
        const delta = choice.delta;
        if (delta === null || typeof delta !== 'object') return choice;
        const fields = heldOf(choice.index);
        const final = choice.finish_reason !== null && choice.finish_reason !== undefined;

        const present = new Set<string>();
        for (const field of textFields) if (typeof delta[field] === 'string') present.add(field);
        for (const toolCall of delta.tool_calls ?? []) {
          if (typeof toolCall.function?.arguments === 'string') present.add(`${toolPrefix}${toolCall.index}`);
        }
        if (fields.size > 0 && (present.size > 0 || final)) {
          const releasedDelta = release(fields, present);
          if (releasedDelta !== undefined) released.push({ index: choice.index, delta: releasedDelta, finish_reason: null });
        }
        if (present.size === 0) return choice;

        let next: Delta | undefined;
        for (const field of textFields) {
          const piece = delta[field];
          if (typeof piece !== 'string') continue;
          const output = feed(fields, field, piece, final, false);
          if (output !== piece) {
            next ??= { ...delta };
            next[field] = output;
          }
        }
        if (delta.tool_calls !== undefined) {
          let toolCalls: ToolCallDelta[] | undefined;
          delta.tool_calls.forEach((toolCall, position) => {
            const piece = toolCall.function?.arguments;
            if (typeof piece !== 'string') return;
            const output = feed(fields, `${toolPrefix}${toolCall.index}`, piece, final, true);
            if (output === piece) return;
            toolCalls ??= delta.tool_calls?.slice();
            (toolCalls as ToolCallDelta[])[position] = { ...toolCall, function: { ...toolCall.function, arguments: output } };
          });
          if (toolCalls !== undefined) {
            next ??= { ...delta };
            next.tool_calls = toolCalls;
          }
        }
        if (next === undefined) return choice;
        changed = true;
        return { ...choice, delta: next };
      });
      if (released.length > 0) yield releaseChunk(chunk, released);
      yield changed ? chunkPart(JsonPayload.fromValue({ ...chunk, choices })) : part;
    }
  } catch (error) {
    if (heldCount > 0 && lastChunk !== undefined) yield releaseChunk(lastChunk, releaseAll());
    throw error;
  }
  if (heldCount > 0 && lastChunk !== undefined) yield releaseChunk(lastChunk, releaseAll());
}
