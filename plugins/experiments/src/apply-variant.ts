import type { ChatMessage, ChatRequest } from '@switchyard/spec';

export interface RequestOverrides {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly systemPrefix?: string;
}

/**
 * The request a variant sends: its parameter overrides on top of the client's fields, and its prompt
 * prefix before the system prompt. Returns the same object when the variant changes nothing.
 */
export function applyOverrides(request: ChatRequest, { params, systemPrefix }: RequestOverrides): ChatRequest {
  if (params === undefined && systemPrefix === undefined) return request;
  const next: ChatRequest = params === undefined ? { ...request } : { ...request, ...params };
  if (systemPrefix !== undefined) next.messages = withSystemPrefix(request.messages, systemPrefix);
  return next;
}

/**
 * Puts `prefix` before the first system (or developer) message, separated by a blank line; adds a system
 * message at the start when there is none. Content-part arrays get a leading text part.
 */
export function withSystemPrefix(messages: readonly ChatMessage[], prefix: string): ChatMessage[] {
  const index = messages.findIndex((message) => message.role === 'system' || message.role === 'developer');
  if (index === -1) return [{ role: 'system', content: prefix }, ...messages];
  const message = messages[index] as ChatMessage;
  const { content } = message;
  let prefixed: ChatMessage['content'];
  if (typeof content === 'string') prefixed = content.length > 0 ? `${prefix}\n\n${content}` : prefix;
  else if (Array.isArray(content)) prefixed = [{ type: 'text', text: prefix }, ...content];
  else prefixed = prefix;
  const copy = [...messages];
  copy[index] = { ...message, content: prefixed };
  return copy;
}
