/** Plays one scripted response onto an exchange, in Anthropic's wire format. */
import { abortableDelay, untilAborted } from '../abortable-delay.js';
import { destroyConnection, type Exchange } from '../exchange.js';
import { sendAnthropicBody, sendAnthropicError, sendAnthropicJson, streamAnthropicEvents } from './anthropic-exchange.js';
import type { AnthropicScriptedResponse } from './types.js';

export async function playAnthropicScriptedResponse(exchange: Exchange, scripted: AnthropicScriptedResponse): Promise<void> {
  switch (scripted.kind) {
    case 'json': {
      if (!(await abortableDelay(scripted.delayMs ?? 0, exchange.signal))) return;
      sendAnthropicJson(exchange, { status: scripted.status ?? 200, headers: scripted.headers, body: scripted.body });
      return;
    }
    case 'error': {
      sendAnthropicError(exchange, {
        status: scripted.status,
        message: scripted.message,
        type: scripted.type,
        headers: scripted.headers,
      });
      return;
    }
    case 'sse': {
      await streamAnthropicEvents(exchange, scripted);
      return;
    }
    case 'raw': {
      sendAnthropicBody(exchange, { status: scripted.status, headers: scripted.headers, body: scripted.body });
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
