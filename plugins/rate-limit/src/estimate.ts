import type { ChatRequest } from '@switchyard/spec';

/**
 * The token charge taken before a request runs: about one token per four characters of the messages
 * and tools as JSON, plus the output the client asked room for (`max_completion_tokens` / `max_tokens`).
 * It is corrected to the upstream's real count when the response ends.
 */
export function estimateTokens(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    const content = message.content;
    characters += typeof content === 'string' ? content.length : content == null ? 0 : JSON.stringify(content).length;
    if ('tool_calls' in message && message.tool_calls) characters += JSON.stringify(message.tool_calls).length;
  }
  if (request.tools) characters += JSON.stringify(request.tools).length;
  const output = numberOr(request.max_completion_tokens) ?? numberOr(request.max_tokens) ?? 0;
  return Math.ceil(characters / 4) + output;
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}
