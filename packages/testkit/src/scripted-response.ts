/** Plays one scripted response onto an exchange. */
import { abortableDelay, untilAborted } from './abortable-delay.js';
import { destroyConnection, type Exchange, sendBody, sendJson, sendOpenAIError, streamEvents } from './exchange.js';
import type { ScriptedResponse } from './types.js';

export async function playScriptedResponse(exchange: Exchange, scripted: ScriptedResponse): Promise<void> {
  switch (scripted.kind) {
    case 'json': {
      if (!(await abortableDelay(scripted.delayMs ?? 0, exchange.signal))) return;
      sendJson(exchange, { status: scripted.status ?? 200, headers: scripted.headers, body: scripted.body });
      return;
    }
    case 'error': {
      sendOpenAIError(exchange, {
        status: scripted.status,
        message: scripted.message,
        type: scripted.type,
        code: scripted.code,
        param: scripted.param,
        headers: scripted.headers,
      });
      return;
    }
    case 'sse': {
      await streamEvents(exchange, scripted);
      return;
    }
    case 'raw': {
      sendBody(exchange, { status: scripted.status, headers: scripted.headers, body: scripted.body });
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
