import { GatewayError } from '@switchyard/spec';

/** An undici response body: it can read itself to text in one go. */
interface TextBody extends AsyncIterable<Uint8Array> {
  text(): Promise<string>;
}

/**
 * Reads a body to text, refusing more than `limitBytes` (an upstream is not trusted to be small). When the
 * upstream declared a `content-length` within the limit, the body's own `text()` is used (no per-chunk
 * iteration); otherwise chunks are counted as they arrive.
 */
export async function readText(
  body: AsyncIterable<Uint8Array> | TextBody,
  limitBytes = 64 * 1024 * 1024,
  declaredLength?: string | string[],
): Promise<string> {
  const length = typeof declaredLength === 'string' ? Number(declaredLength) : Number.NaN;
  if ('text' in body && Number.isFinite(length) && length <= limitBytes) return body.text();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limitBytes) {
      throw new GatewayError({
        message: 'The upstream response is larger than the gateway accepts.',
        kind: 'upstream',
        status: 502,
        code: 'upstream_response_too_large',
      });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
