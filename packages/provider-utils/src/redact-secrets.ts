/**
 * Patterns of credentials that must never reach a client or a log line, whoever wrote them (an upstream
 * error message may quote the key it rejected). Compiled once.
 */
const secretPatterns: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI / Anthropic style keys
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google API keys
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key ids
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(?:key|api_key|apikey|token)=[^&\s"']+/gi, // keys in query strings
];

/** Replaces known secrets and credential-shaped substrings with `[redacted]`. */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of secretPatterns) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, '[redacted]');
  }
  return result;
}
