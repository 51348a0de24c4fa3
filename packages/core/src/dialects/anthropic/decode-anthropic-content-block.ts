import type { ContentPart } from '@switchyard/spec';
import type { AnthropicContentBlockParam } from './anthropic-request-schema.js';

type MediaBlock = Extract<AnthropicContentBlockParam, { type: 'text' | 'image' | 'document' }>;

/** Keeps `cache_control` on a part: the canonical spelling of Anthropic prompt caching on content parts. */
function withCacheControl(part: ContentPart, cacheControl: unknown): ContentPart {
  return cacheControl === undefined || cacheControl === null ? part : { ...part, cache_control: cacheControl };
}

/**
 * A text, image or document block → a canonical content part:
 *
 * - `text` → `{type:'text', text}`;
 * - `image` with a base64 source → an `image_url` data URL (`data:<media_type>;base64,<data>`), with a
 *   URL source → an `image_url` with that URL;
 * - `document` with a base64 source (PDF) → a `file` part with a data URL (`title` → `filename`), with a
 *   plain-text source → a text part.
 *
 * `cache_control` is kept on the part (the Anthropic provider honours it; others ignore it); `citations`,
 * a document's `context` and `citations` settings are dropped.
 */
export function decodeAnthropicContentBlock(block: MediaBlock): ContentPart {
  switch (block.type) {
    case 'text':
      return withCacheControl({ type: 'text', text: block.text }, block.cache_control);
    case 'image': {
      const { source } = block;
      const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
      return withCacheControl({ type: 'image_url', image_url: { url } }, block.cache_control);
    }
    case 'document': {
      const { source } = block;
      if (source.type === 'text') return withCacheControl({ type: 'text', text: source.data }, block.cache_control);
      const file: Record<string, string> = { file_data: `data:${source.media_type};base64,${source.data}` };
      if (typeof block.title === 'string' && block.title.length > 0) file.filename = block.title;
      return withCacheControl({ type: 'file', file }, block.cache_control);
    }
  }
}

/** The shortest equivalent content: one plain text part (no `cache_control`) becomes a string. */
export function compactContent(parts: ContentPart[]): string | ContentPart[] {
  const [only] = parts;
  if (parts.length === 0) return '';
  if (parts.length === 1 && only?.type === 'text' && typeof only.text === 'string' && only.cache_control === undefined) {
    return only.text;
  }
  return parts;
}
