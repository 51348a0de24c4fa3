import type { HttpInfo } from '@switchyard/core';

/**
 * The key a client presented, in any dialect's usual place: `Authorization: Bearer` (OpenAI SDK),
 * `x-api-key` (Anthropic SDK), `x-goog-api-key` or `?key=` (Gemini SDK and REST).
 */
export function presentedKey(http: HttpInfo): string | undefined {
  const authorization = http.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  const apiKey = http.headers['x-api-key'] ?? http.headers['x-goog-api-key'];
  if (apiKey) return apiKey.trim();
  const queryAt = http.path.indexOf('?');
  if (queryAt !== -1) {
    const key = new URLSearchParams(http.path.slice(queryAt + 1)).get('key');
    if (key) return key;
  }
  return undefined;
}
