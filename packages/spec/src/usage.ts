/**
 * Token usage in the OpenAI shape, the canonical one: `prompt_tokens` includes cached tokens and
 * `completion_tokens` includes reasoning tokens. Providers convert into this shape; numbers are the
 * upstream's own, never estimates.
 */
export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; audio_tokens?: number; [key: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number; audio_tokens?: number; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/** Reads a usage object defensively from an upstream payload; `undefined` when absent or malformed. */
export function readUsage(value: unknown): Usage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const usage = value as Record<string, unknown>;
  if (typeof usage.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number') return undefined;
  if (typeof usage.total_tokens !== 'number') {
    return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } as Usage;
  }
  return usage as Usage;
}
