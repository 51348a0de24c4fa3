/** The text of a chat message's content: a string, or the text parts of an array of parts. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) =>
      typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text'
        ? String((part as { text?: unknown }).text ?? '')
        : '',
    )
    .join(' ');
}

/** Words (runs of non-space characters) in every message of a chat request. */
export function promptWords(messages: ReadonlyArray<{ content?: unknown }>): number {
  let words = 0;
  for (const message of messages) {
    const text = contentText(message.content).trim();
    if (text !== '') words += text.split(/\s+/u).length;
  }
  return words;
}
