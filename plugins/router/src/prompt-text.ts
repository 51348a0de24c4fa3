import type { ChatRequest } from '@switchyard/spec';

/** The text of the last user message (string content, or its text parts joined). */
export function lastUserText(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index];
    if (message?.role !== 'user') continue;
    const { content } = message;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      return content.map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : '')).join('');
    }
    return '';
  }
  return '';
}

/** Characters of all message text, a cheap size estimate (no tokenizer on the hot path). */
export function promptCharacters(request: ChatRequest): number {
  let total = 0;
  for (const message of request.messages) {
    const { content } = message;
    if (typeof content === 'string') total += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) if (part.type === 'text' && typeof part.text === 'string') total += part.text.length;
    }
  }
  return total;
}

/**
 * The script a text is mostly written in: `ja` when it has kana, `ko` for Hangul, `zh` when at least a
 * fifth of its letters are Han characters; otherwise undefined. A heuristic for routing, not a classifier.
 */
export function detectLanguage(text: string): 'zh' | 'ja' | 'ko' | undefined {
  let han = 0;
  let kana = 0;
  let hangul = 0;
  let letters = 0;
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (code >= 0x4e00 && code <= 0x9fff) han++;
    else if (code >= 0x3040 && code <= 0x30ff) kana++;
    else if (code >= 0xac00 && code <= 0xd7af) hangul++;
    else if (/\p{L}/u.test(character)) letters++;
  }
  const total = han + kana + hangul + letters;
  if (total === 0) return undefined;
  if (kana > 0 && (kana + han) / total >= 0.2) return 'ja';
  if (hangul / total >= 0.2) return 'ko';
  if (han / total >= 0.2) return 'zh';
  return undefined;
}
