import type { ChatCompletionChunk, StreamPart } from '@switchyard/spec';
import type { ChainVerdict, CheckChain } from './check-chain.js';
import { contentFlagged } from './moderation-errors.js';

export interface StreamModerationOptions {
  chain: CheckChain;
  /** Characters at the end of checked text kept back until the next window has passed too. */
  holdBackChars: number;
  /** New characters (per choice) that trigger the next check. */
  windowChars: number;
  signal: AbortSignal;
  requestId: string;
  /** Called with each window's verdict (also a flagged one, before the stream fails). */
  onWindow(verdict: ChainVerdict): void;
  /** Filled from the first chunk, to build a refusal in the same stream's identity. */
  identity: { id?: string; model?: string; created?: number };
}

interface ChoiceText {
  text: string;
  /** Text before this offset has been let through. */
  released: number;
  /** Text before this offset has passed a check. */
  checked: number;
}

interface Pending {
  part: StreamPart;
  /** For each choice the part adds content to: the choice's text length after this part. */
  ends: Array<readonly [number, number]>;
}

/**
 * Moderates a stream's content in windows without sending unchecked text. Parts are held in order and
 * released once all the content they carry has passed; after a window passes, its last `holdBackChars`
 * stay held and are checked again with the next window, so a flagged phrase of up to `holdBackChars`
 * characters lies wholly inside one checked window before any character of it goes out, however the
 * upstream chunked it. The first part goes out only after the first window passed (or a tool-call delta
 * arrived), so a reply flagged early never reaches the client at all. A window that flags ends the
 * stream with a `content_flagged` GatewayError (an in-band error once something was sent) and stops
 * the upstream. Parts keep their original payload: moderation adds latency, not rewriting.
 */
export async function* moderateStream(
  parts: AsyncIterable<StreamPart>,
  { chain, holdBackChars, windowChars, signal, requestId, onWindow, identity }: StreamModerationOptions,
): AsyncGenerator<StreamPart> {
  const choices = new Map<number, ChoiceText>();
  const queue: Pending[] = [];
  let gateOpen = false;

  const check = async (choice: ChoiceText, final: boolean): Promise<void> => {
    if (choice.checked < choice.text.length) {
      const window = choice.text.slice(choice.released);
      if (window.trim().length > 0) {
        const verdict = await chain(window, { signal, requestId });
        onWindow(verdict);
        if (verdict.flagged) throw contentFlagged('output', verdict.categories);
      }
      choice.checked = choice.text.length;
    }
    choice.released = final ? choice.text.length : Math.max(choice.released, choice.text.length - holdBackChars);
  };

  function* release(): Generator<StreamPart> {
    while (gateOpen) {
      const head = queue[0];
      if (head === undefined) return;
      for (const [index, end] of head.ends) if (end > (choices.get(index)?.released ?? 0)) return;
      queue.shift();
      yield head.part;
    }
  }

  for await (const part of parts) {
    const chunk: ChatCompletionChunk = part.chunk.value;
    if (identity.id === undefined) {
      identity.id = chunk.id;
      identity.model = chunk.model;
      identity.created = chunk.created;
    }
    const ends: Array<readonly [number, number]> = [];
    for (const choice of chunk.choices ?? []) {
      if (choice.delta?.tool_calls?.length) gateOpen = true;
      const content = choice.delta?.content;
      if (typeof content !== 'string' || content.length === 0) continue;
      let state = choices.get(choice.index);
      if (state === undefined) {
        state = { text: '', released: 0, checked: 0 };
        choices.set(choice.index, state);
      }
      state.text += content;
      ends.push([choice.index, state.text.length]);
    }
    queue.push({ part, ends });
    for (const [index] of ends) {
      const state = choices.get(index) as ChoiceText;
      if (state.text.length - state.checked >= windowChars) {
        await check(state, false);
        gateOpen = true;
      }
    }
    yield* release();
  }
  for (const state of choices.values()) await check(state, true);
  gateOpen = true;
  yield* release();
}
