/** Anthropic message ids start with `msg_`; a canonical id gets the prefix unless it already has it. */
export function encodeAnthropicMessageId(id: string | undefined): string {
  const base = id === undefined || id.length === 0 ? 'gateway' : id;
  return base.startsWith('msg_') ? base : `msg_${base}`;
}
