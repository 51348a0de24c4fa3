/** Plays one scripted response onto an exchange, through the writers of the fake's wire format. */
import { abortableDelay, untilAborted } from './abortable-delay.js';
import type { EventStreamOptions } from './event-stream.js';
import { destroyConnection, type ErrorAnswer, type Exchange, type WireWriters } from './exchange.js';
import type { ScriptedHangResponse, ScriptedJsonResponse, ScriptedRawResponse, ScriptedResetResponse } from './types.js';

/** Every fake's scripted kinds: the error and SSE kinds take the wire format's error fields and events. */
export type ScriptedResponseOf<TEvent, TError extends ErrorAnswer> =
  | ScriptedJsonResponse
  | (TError & { kind: 'error' })
  | (EventStreamOptions<TEvent> & { kind: 'sse' })
  | ScriptedRawResponse
  | ScriptedResetResponse
  | ScriptedHangResponse;

export async function playScriptedResponse<TEvent, TError extends ErrorAnswer>(
  exchange: Exchange,
  scripted: ScriptedResponseOf<TEvent, TError>,
  writers: WireWriters<TEvent, TError>,
): Promise<void> {
  switch (scripted.kind) {
    case 'json': {
      if (!(await abortableDelay(scripted.delayMs ?? 0, exchange.signal))) return;
      writers.sendJson(exchange, { status: scripted.status ?? 200, headers: scripted.headers, body: scripted.body });
      return;
    }
    case 'error': {
      writers.sendError(exchange, scripted);
      return;
    }
    case 'sse': {
      await writers.streamEvents(exchange, scripted);
      return;
    }
    case 'raw': {
      writers.sendBody(exchange, { status: scripted.status, headers: scripted.headers, body: scripted.body });
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
