import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Gateway, type Inbound, openAIDialect, requestIdFor } from '@switchyard/core';
import { requestTooLarge } from '@switchyard/spec';
import { readRequestBody } from './read-request-body.js';
import { writeOutbound } from './write-outbound.js';

export interface NodeRequestOptions {
  /** Path relative to the gateway's mount point (defaults to `request.url`). */
  path?: string;
  /** A body some earlier layer already parsed (e.g. `express.json()`). */
  parsedBody?: unknown;
  /** A raw body some earlier layer already read. */
  rawBody?: Uint8Array | string;
  /** Largest body accepted (defaults to the gateway's). */
  maxBodyBytes?: number;
}

/**
 * Serves one Node request with the gateway: reads the body (bounded), aborts the gateway's work when the
 * client disconnects, and writes the answer with backpressure. Never throws.
 */
export async function handleNodeRequest(
  gateway: Gateway,
  request: IncomingMessage,
  response: ServerResponse,
  { path = request.url ?? '/', parsedBody, rawBody, maxBodyBytes = gateway.maxBodyBytes }: NodeRequestOptions = {},
): Promise<void> {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('The client closed the connection.'));
  });
  try {
    const inbound: Inbound = {
      method: request.method ?? 'GET',
      path,
      headers: flattenHeaders(request.headers),
      signal: controller.signal,
      ip: request.socket.remoteAddress,
    };
    if (parsedBody !== undefined) inbound.parsedBody = parsedBody;
    else if (rawBody !== undefined) {
      const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody.byteLength;
      if (size > maxBodyBytes) return refuseTooLarge(request, response, maxBodyBytes);
      inbound.body = rawBody;
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      const read = await readRequestBody(request, maxBodyBytes);
      if (!read.ok) {
        if (read.reason === 'aborted') return;
        return refuseTooLarge(request, response, maxBodyBytes);
      }
      inbound.body = read.body;
    }
    await writeOutbound(response, await gateway.handle(inbound));
  } catch {
    // gateway.handle answers every failure itself; reaching here means the socket broke while writing.
    if (!response.headersSent) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        '{"error":{"message":"The gateway failed to process the request.","type":"api_error","param":null,"code":"internal_error"}}',
      );
    } else {
      response.destroy();
    }
  }
}

function refuseTooLarge(request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): void {
  const encoded = openAIDialect.encodeError(requestTooLarge(maxBodyBytes));
  const inboundId = request.headers['x-request-id'];
  // The rest of the body may be unread, so the connection cannot be reused.
  response.writeHead(encoded.status, {
    'content-type': 'application/json',
    connection: 'close',
    'x-request-id': requestIdFor(Array.isArray(inboundId) ? inboundId[0] : inboundId),
    ...encoded.headers,
  });
  response.end(encoded.body);
}

/** A `(request, response)` listener for `http.createServer`. */
export function createNodeHandler(gateway: Gateway, options: Pick<NodeRequestOptions, 'maxBodyBytes'> = {}) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    void handleNodeRequest(gateway, request, response, options);
  };
}

function flattenHeaders(headers: IncomingMessage['headers']): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const name in headers) {
    const value = headers[name];
    result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
