import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '@switchyard/core';
import { handleNodeRequest } from '@switchyard/node-http';

export interface ExpressMountOptions {
  /** Largest request body accepted, in bytes (defaults to the gateway's). */
  maxBodyBytes?: number;
}

/** The parts of an Express request the adapter reads (typed structurally: no runtime dependency on Express). */
interface ExpressLikeRequest extends IncomingMessage {
  /** The path relative to the mount point (Express strips the mount path from `url`). */
  url: string;
  /** Set by a body parser that ran before the gateway. */
  body?: unknown;
}

type ExpressLikeHandler = (request: ExpressLikeRequest, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Mounts a gateway in an Express app: `app.use('/ai', switchyard(gateway))`, then point SDKs at
 * `http://host/ai/v1`. Works whether or not `express.json()` ran first (a parsed body is used as is;
 * note its default 100 kb limit, or mount the gateway before it).
 */
export function switchyard(gateway: Gateway, { maxBodyBytes }: ExpressMountOptions = {}): ExpressLikeHandler {
  return (request, response, next) => {
    const body = request.body;
    const options = {
      path: request.url,
      maxBodyBytes,
      ...(typeof body === 'string' || body instanceof Uint8Array
        ? { rawBody: body }
        : body !== undefined && bodyWasParsed(request)
          ? { parsedBody: body }
          : {}),
    };
    handleNodeRequest(gateway, request, response, options).catch(next);
  };
}

/**
 * express.json() leaves `req.body` undefined (Express 5) or `{}` (Express 4) when it did not parse, and
 * consumes the stream (and, in body-parser 1.x, sets `_body`) when it did. An unread stream is still ours.
 */
function bodyWasParsed(request: ExpressLikeRequest): boolean {
  return request.readableEnded || (request as ExpressLikeRequest & { _body?: unknown })._body === true;
}
