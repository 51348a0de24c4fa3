/** Plays one scripted response onto a Gemini exchange. */
import { abortableDelay, untilAborted } from '../abortable-delay.js';
import { destroyConnection, type Exchange } from '../exchange.js';
import { sendGeminiBody, sendGeminiError, sendGeminiJson, streamGeminiEvents } from './gemini-exchange.js';
import type { GeminiScriptedResponse } from './gemini-types.js';

export async function playGeminiScriptedResponse(exchange: Exchange, scripted: GeminiScriptedResponse): Promise<void> {
  switch (scripted.kind) {
    case 'json': {
      if (!(await abortableDelay(scripted.delayMs ?? 0, exchange.signal))) return;
      sendGeminiJson(exchange, { status: scripted.status ?? 200, headers: scripted.headers, body: scripted.body });
      return;
    }
    case 'error': {
      sendGeminiError(exchange, {
        status: scripted.status,
        message: scripted.message,
        geminiStatus: scripted.geminiStatus,
        details: scripted.details,
        headers: scripted.headers,
      });
      return;
    }
    case 'sse': {
      await streamGeminiEvents(exchange, scripted);
      return;
    }
    case 'raw': {
      sendGeminiBody(exchange, { status: scripted.status, headers: scripted.headers, body: scripted.body });
      return;
    }
    case 'reset': {
      destroyConnection(exchange);
      return;
    }
    case 'hang': {
      await untilAborted(exchange.signal);
      return;
    }
    default: {
      const unknownKind: never = scripted;
      throw new Error(`Unknown scripted response kind: ${JSON.stringify(unknownKind)}`);
    }
  }
}
