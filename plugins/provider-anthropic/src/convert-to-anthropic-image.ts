import { invalidRequest } from '@switchyard/spec';
import type { AnthropicImageBlockParam } from './anthropic-wire-types.js';

const dataUrlPattern = /^data:([^;,]+);base64,(.*)$/s;

/**
 * An OpenAI `image_url` part → an Anthropic image block: a base64 data URL becomes a `base64` source, an
 * http(s) URL a `url` source. `detail` has no Anthropic equivalent and is dropped.
 */
export function convertToAnthropicImage(imageUrl: unknown, param: string): AnthropicImageBlockParam {
  const url =
    typeof imageUrl === 'string'
      ? imageUrl
      : typeof imageUrl === 'object' && imageUrl !== null
        ? (imageUrl as { url?: unknown }).url
        : undefined;
  if (typeof url !== 'string') {
    throw invalidRequest(`\`${param}.url\` must be a string.`, { param: `${param}.url` });
  }
  const dataUrl = dataUrlPattern.exec(url);
  if (dataUrl) {
    return { type: 'image', source: { type: 'base64', media_type: dataUrl[1] as string, data: dataUrl[2] as string } };
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw invalidRequest(`\`${param}.url\` must be a base64 data URL or an http(s) URL.`, { param: `${param}.url` });
}
