import { randomBytes } from 'node:crypto';

/**
 * Canonical tool call ids for Gemini function calls.
 *
 * Gemini usually sends no `functionCall.id`, so one is synthesized (`call_<24 hex>`); an id Gemini did
 * send is kept. Gemini 3 attaches an opaque `thoughtSignature` to function-call parts that must come back
 * unchanged on the next request, or the API answers 400 "Function call is missing a thought_signature".
 * OpenAI clients only echo the tool call id, so the signature travels inside it:
 *
 *     call_3f2a9c0d1b4e5f60718293a4.<base64url(UTF-8 bytes of the signature)>
 *
 * The gateway stays stateless (no signature cache) and any client that replays its conversation
 * verbatim keeps Gemini 3 tool use working. The `.` separator never occurs in a base id or in base64url.
 */

const separator = '.';
const base64UrlPattern = /^[A-Za-z0-9_-]+$/;

/** A fresh `call_<24 hex>` id. */
export function createToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

/** The canonical id for a Gemini function call: its own id (or a synthesized one), plus the signature. */
export function encodeGeminiToolCallId({ id, thoughtSignature }: { id?: string; thoughtSignature?: string }): string {
  const base = id !== undefined && id.length > 0 && !id.includes(separator) ? id : createToolCallId();
  if (thoughtSignature === undefined || thoughtSignature.length === 0) return base;
  return `${base}${separator}${Buffer.from(thoughtSignature, 'utf8').toString('base64url')}`;
}

/**
 * The thought signature carried by a canonical tool call id, or `undefined` when it carries none (ids
 * from other providers, or from Gemini calls without a signature). A suffix that is not exact base64url
 * is ignored rather than guessed at.
 */
export function decodeGeminiToolCallId(toolCallId: string): { thoughtSignature?: string } {
  const at = toolCallId.lastIndexOf(separator);
  if (at <= 0) return {};
  const encoded = toolCallId.slice(at + 1);
  if (!base64UrlPattern.test(encoded)) return {};
  const thoughtSignature = Buffer.from(encoded, 'base64url').toString('utf8');
  if (Buffer.from(thoughtSignature, 'utf8').toString('base64url') !== encoded) return {};
  return { thoughtSignature };
}
