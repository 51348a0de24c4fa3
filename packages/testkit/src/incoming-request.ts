/** Reads a request in full and turns it into the record every fake keeps (`RecordedRequest`). */
import type { IncomingMessage } from 'node:http';
import type { RecordedRequest } from './types.js';

export type ParsedBody = { valid: true; value: unknown } | { valid: false };

/** The request line, split: trailing slashes dropped from the path, query parameters parsed. */
export interface RequestTarget {
  method: string;
  pathname: string;
  query: Record<string, string>;
}

export interface IncomingRequest {
  target: RequestTarget;
  recorded: RecordedRequest;
  /** The body as JSON; not valid when it does not parse (an empty body does not). */
  json: ParsedBody;
}

function readBody(request: IncomingMessage, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.once('error', reject);
    signal.addEventListener('abort', () => reject(new Error('The client went away before sending its body.')), {
      once: true,
    });
  });
}

function lowercasedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(rawBody: string): ParsedBody {
  try {
    return { valid: true, value: JSON.parse(rawBody) };
  } catch {
    return { valid: false };
  }
}

export async function readIncomingRequest(
  request: IncomingMessage,
  signal: AbortSignal,
  receivedAt: number,
): Promise<IncomingRequest> {
  const rawBody = await readBody(request, signal);
  const json = parseJson(rawBody);
  const method = request.method ?? 'GET';
  const path = request.url ?? '/';
  const url = new URL(path, 'http://fake.invalid');
  return {
    target: { method, pathname: url.pathname.replace(/\/+$/, ''), query: Object.fromEntries(url.searchParams.entries()) },
    recorded: {
      method,
      path,
      headers: lowercasedHeaders(request),
      body: json.valid ? json.value : rawBody,
      rawBody,
      receivedAt,
    },
    json,
  };
}
