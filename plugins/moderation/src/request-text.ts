import type { ChatMessage, ChatRequest } from '@switchyard/spec';

/** The text of one message: string content, or its `text` parts joined (images and audio are not read). */
export function messageText(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    const value = (part as { text?: unknown }).text;
    if (part.type === 'text' && typeof value === 'string') text += text.length > 0 ? `\n${value}` : value;
  }
  return text;
}

/** The text a client sent in messages of the given roles, one message per paragraph. */
export function requestText(request: ChatRequest, roles: ReadonlySet<string>): string {
  const texts: string[] = [];
  for (const message of request.messages) {
    if (!roles.has(message.role)) continue;
    const text = messageText(message);
    if (text.length > 0) texts.push(text);
  }
  return texts.join('\n\n');
}
