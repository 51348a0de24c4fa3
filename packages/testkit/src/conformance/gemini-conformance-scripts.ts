/** Conformance scripts for upstreams that speak the Gemini API (`startFakeGemini()`). */
import { geminiError, geminiResponse, geminiStreamFrames } from '../gemini/gemini-fixtures.js';
import type { GeminiScriptedResponse } from '../gemini/gemini-types.js';
import type { ConformanceScripts, ConformanceUsage } from './types.js';

function usageOf({ promptTokens, completionTokens }: ConformanceUsage) {
  return { promptTokens, candidatesTokens: completionTokens };
}

export const geminiConformanceScripts: ConformanceScripts<GeminiScriptedResponse> = {
  text: ({ pieces, usage }) => ({
    complete: { kind: 'json', body: geminiResponse({ text: pieces.join(''), usage: usageOf(usage) }) },
    stream: { kind: 'sse', events: geminiStreamFrames({ text: [...pieces], usage: usageOf(usage) }) },
  }),

  toolCalls: ({ text, calls, usage }) => {
    // Gemini sends whole function calls (arguments as an object), all in one part list / frame.
    const functionCalls = calls.map(({ id, name, arguments: args }) => ({ id, name, args }));
    return {
      complete: {
        kind: 'json',
        body: geminiResponse({ text: text.length > 0 ? text.join('') : undefined, functionCalls, usage: usageOf(usage) }),
      },
      stream: { kind: 'sse', events: geminiStreamFrames({ text: [...text], functionCalls, usage: usageOf(usage) }) },
    };
  },

  error: ({ status, message, headers }) => ({ kind: 'error', status, message, headers }),

  truncatedStream: ({ pieces, ending }) => {
    // The first frame goes out, then the socket is destroyed.
    if (ending === 'connection-reset') return { kind: 'sse', events: geminiStreamFrames({ text: [...pieces] }), cutAfter: 1 };
    // Every text frame, none with a finishReason; the body then ends (Gemini has no terminator).
    return { kind: 'sse', events: geminiStreamFrames({ text: [...pieces], finishReason: null }) };
  },

  stalledStream: ({ pieces }) => ({ kind: 'sse', events: geminiStreamFrames({ text: [...pieces] }), stallAfter: 1 }),

  hang: () => ({ kind: 'hang' }),

  inBandStreamError: ({ message }) => ({ kind: 'sse', events: [geminiError({ code: 500, message })] }),
};
