/**
 * The gateway's own view of an HTTP exchange. Adapters convert framework objects into an `Inbound` and
 * write an `Outbound` back; nothing past the adapter sees Express, Fastify or Node objects.
 */
export interface Inbound {
  method: string;
  /** Path relative to where the gateway is mounted, with query string: `/v1/chat/completions`. */
  path: string;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, when the adapter read it. */
  body?: Uint8Array | string;
  /** An already-parsed JSON body (e.g. from `express.json()`); used instead of `body` when present. */
  parsedBody?: unknown;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
  /** The client's address, for logs and rules. */
  ip?: string;
}

export type OutboundBody = string | Uint8Array | AsyncIterable<string | Uint8Array> | null;

export interface Outbound {
  status: number;
  headers: Record<string, string>;
  body: OutboundBody;
}

export function isStreamBody(body: OutboundBody): body is AsyncIterable<string | Uint8Array> {
  return body !== null && typeof body === 'object' && Symbol.asyncIterator in body;
}
