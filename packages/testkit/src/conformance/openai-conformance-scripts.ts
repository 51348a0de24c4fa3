/** Conformance scripts for upstreams that speak OpenAI's wire format (`startFakeOpenAI()`). */
import { openaiChunks, openaiCompletion, openaiUsage } from '../openai-fixtures.js';
import type { ScriptedResponse } from '../types.js';
import type { ConformanceScripts } from './types.js';

export const openAIConformanceScripts: ConformanceScripts<ScriptedResponse> = {
  text: ({ pieces, usage }) => ({
    complete: { kind: 'json', body: openaiCompletion({ content: pieces.join(''), usage: openaiUsage(usage) }) },
    stream: { kind: 'sse', events: openaiChunks({ content: [...pieces], usage: openaiUsage(usage) }) },
  }),

  toolCalls: ({ text, calls, usage }) => ({
    complete: {
      kind: 'json',
      body: openaiCompletion({
        content: text.length > 0 ? text.join('') : null,
        toolCalls: calls.map(({ id, name, arguments: argumentsObject }) => ({
          id,
          name,
          arguments: JSON.stringify(argumentsObject),
        })),
        usage: openaiUsage(usage),
      }),
    },
    stream: {
      kind: 'sse',
      events: openaiChunks({
        content: [...text],
        toolCalls: calls.map(({ id, name, argumentPieces }) => ({ id, name, argumentPieces })),
        usage: openaiUsage(usage),
      }),
    },
  }),

  error: ({ status, message, headers }) => ({ kind: 'error', status, message, headers }),

  truncatedStream: ({ pieces, ending }) => {
    const chunks = openaiChunks({ content: [...pieces] });
    // The role chunk and the first piece go out; then the socket is destroyed.
    if (ending === 'connection-reset') return { kind: 'sse', events: chunks, cutAfter: 2 };
    // Everything but the finish chunk, then a clean end of the body without `[DONE]`.
    return { kind: 'sse', events: chunks.slice(0, -1), done: false };
  },

  stalledStream: ({ pieces }) => ({ kind: 'sse', events: openaiChunks({ content: [...pieces] }), stallAfter: 2 }),

  hang: () => ({ kind: 'hang' }),

  inBandStreamError: ({ message }) => ({
    kind: 'sse',
    events: [{ error: { message, type: 'server_error', param: null, code: null } }],
    done: false,
  }),
};
