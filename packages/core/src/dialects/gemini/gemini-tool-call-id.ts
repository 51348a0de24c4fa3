/**
 * Canonical tool call ids for function calls a Gemini client sends back. This follows the convention of
 * the Gemini provider (`plugins/provider-gemini/src/gemini-tool-call-id.ts`): Gemini 3 requires a
 * function call's `thoughtSignature` to come back unchanged, and the canonical shape can carry it only
 * inside the tool call id, as `<id>.<base64url(UTF-8 signature)>`. `.` never occurs in a base id.
 */
const separator = '.';

/**
 * The canonical id of the `ordinal`-th (0-based) function call of a request: the part's own id, or
 * `call_<ordinal>`, plus its `thoughtSignature` when it has one and the id does not already carry one (ids
 * this gateway wrote to a Gemini client already do).
 */
export function encodeGeminiToolCallId({
  id,
  thoughtSignature,
  ordinal,
}: {
  id: string | undefined;
  thoughtSignature: string | undefined;
  ordinal: number;
}): string {
  const base = id !== undefined && id.length > 0 ? id : `call_${ordinal}`;
  if (thoughtSignature === undefined || thoughtSignature.length === 0 || base.includes(separator)) return base;
  return `${base}${separator}${Buffer.from(thoughtSignature, 'utf8').toString('base64url')}`;
}
