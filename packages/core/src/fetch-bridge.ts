import { requestTooLarge } from '@switchyard/spec';
import { type Inbound, isStreamBody, type Outbound } from './http-types.js';

/** Reads a WHATWG Request into an Inbound, refusing bodies over the limit while reading. */
export async function toInbound(request: Request, maxBodyBytes: number): Promise<Inbound> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let body: Uint8Array | undefined;
  if (request.body) {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBodyBytes) throw requestTooLarge(maxBodyBytes);
      chunks.push(chunk);
    }
    body = Buffer.concat(chunks, size);
  }
  return { method: request.method, path: url.pathname + url.search, headers, body, signal: request.signal };
}

/** Turns an Outbound into a WHATWG Response; stream bodies become a ReadableStream pulled on demand. */
export function toFetchResponse(outbound: Outbound): Response {
  const { status, headers, body } = outbound;
  if (!isStreamBody(body)) return new Response(body as BodyInit | null, { status, headers });
  const encoder = new TextEncoder();
  const iterator = body[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(typeof next.value === 'string' ? encoder.encode(next.value) : next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, { status, headers });
}
