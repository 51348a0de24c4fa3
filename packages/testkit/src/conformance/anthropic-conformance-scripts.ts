/** Conformance scripts for upstreams that speak Anthropic Messages (`startFakeAnthropic()`). */
import { anthropicErrorEvent, anthropicMessage, anthropicStreamEvents, anthropicUsage } from '../anthropic/anthropic-fixtures.js';
import type { AnthropicScriptedResponse, AnthropicSseEvent } from '../anthropic/types.js';
import type { ConformanceScripts, ConformanceUsage } from './types.js';

function usageOf({ promptTokens, completionTokens }: ConformanceUsage) {
  return anthropicUsage({ inputTokens: promptTokens, outputTokens: completionTokens });
}

/** The position just after the first `content_block_delta`: the stream has started but is far from complete. */
function afterFirstDelta(events: readonly AnthropicSseEvent[]): number {
  return events.findIndex((event) => event.event === 'content_block_delta') + 1;
}

export const anthropicConformanceScripts: ConformanceScripts<AnthropicScriptedResponse> = {
  text: ({ pieces, usage }) => ({
    complete: { kind: 'json', body: anthropicMessage({ text: pieces.join(''), usage: usageOf(usage) }) },
    stream: { kind: 'sse', events: anthropicStreamEvents({ text: [...pieces], usage: usageOf(usage) }) },
  }),

  toolCalls: ({ text, calls, usage }) => ({
    complete: {
      kind: 'json',
      body: anthropicMessage({
        text: text.length > 0 ? text.join('') : null,
        toolUses: calls.map(({ id, name, arguments: input }) => ({ id, name, input })),
        usage: usageOf(usage),
      }),
    },
    stream: {
      kind: 'sse',
      events: anthropicStreamEvents({
        text: [...text],
        toolUses: calls.map(({ id, name, argumentPieces }) => ({ id, name, partialJson: argumentPieces })),
        usage: usageOf(usage),
      }),
    },
  }),

  error: ({ status, message, headers }) => ({ kind: 'error', status, message, headers }),

  truncatedStream: ({ pieces, ending }) => {
    const events = anthropicStreamEvents({ text: [...pieces] });
    if (ending === 'connection-reset') return { kind: 'sse', events, cutAfter: afterFirstDelta(events) };
    // Up to the end of the text block: no `message_delta` (stop reason), no `message_stop`.
    return {
      kind: 'sse',
      events: events.slice(
        0,
        events.findIndex((event) => event.event === 'message_delta'),
      ),
    };
  },

  stalledStream: ({ pieces }) => {
    const events = anthropicStreamEvents({ text: [...pieces] });
    return { kind: 'sse', events, stallAfter: afterFirstDelta(events) };
  },

  hang: () => ({ kind: 'hang' }),

  inBandStreamError: ({ message }) => ({ kind: 'sse', events: [anthropicErrorEvent({ message, type: 'overloaded_error' })] }),
};
