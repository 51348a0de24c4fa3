import { GatewayError } from '@switchyard/spec';

/** Reads a body to text, refusing more than `limitBytes` (an upstream is not trusted to be small). */
export async function readText(body: AsyncIterable<Uint8Array>, limitBytes = 64 * 1024 * 1024): Promise<string> {
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
