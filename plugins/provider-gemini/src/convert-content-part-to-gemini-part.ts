import { type ContentPart, invalidRequest } from '@switchyard/spec';
import type { GeminiPart } from './gemini-wire-types.js';

/** MIME types by file extension, for `fileData` parts built from http(s) URLs (Gemini wants one). */
const mimeTypesByExtension: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  aac: 'audio/aac',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
};

/** Guesses a MIME type from the URL path's extension; `undefined` when there is none or it is unknown. */
export function guessMimeTypeFromUrl(url: string): string | undefined {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(pathname)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : mimeTypesByExtension[extension];
}

const dataUrlPattern = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

/** `data:<mime>[;base64],<payload>` → inline data (a non-base64 payload is percent-decoded and encoded). */
function parseDataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = dataUrlPattern.exec(url);
  if (!match) return undefined;
  const mimeType = match[1] || 'text/plain';
  const isBase64 = (match[2] ?? '').split(';').includes('base64');
  const payload = match[3] ?? '';
  if (isBase64) return { mimeType, data: payload };
  try {
    return { mimeType, data: Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64') };
  } catch {
    return undefined;
  }
}

/** A URL the client gave: data URLs become `inlineData`, http(s) URLs `fileData` (MIME guessed from the extension). */
export function convertUrlToGeminiPart(url: string, param: string): GeminiPart {
  if (url.startsWith('data:')) {
    const inlineData = parseDataUrl(url);
    if (!inlineData) throw invalidRequest('The data URL is malformed.', { param, code: 'invalid_image_url' });
    return { inlineData };
  }
  if (/^https?:\/\//i.test(url)) {
    const mimeType = guessMimeTypeFromUrl(url);
    return { fileData: mimeType === undefined ? { fileUri: url } : { fileUri: url, mimeType } };
  }
  throw invalidRequest('Only data: and http(s) URLs are supported.', { param, code: 'invalid_image_url' });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const audioMimeTypes: Readonly<Record<string, string>> = { wav: 'audio/wav', mp3: 'audio/mp3' };

/**
 * One OpenAI user content part → one Gemini part: `text`, `image_url` (data or http(s) URL),
 * `input_audio` (base64 wav/mp3) and `file` with inline `file_data`. Anything else is a 400.
 */
export function convertContentPartToGeminiPart(part: ContentPart, param: string): GeminiPart {
  switch (part.type) {
    case 'text': {
      if (typeof part.text !== 'string') throw invalidRequest('A text part needs a string `text`.', { param });
      return { text: part.text };
    }
    case 'image_url': {
      const imageUrl = part.image_url;
      const url = typeof imageUrl === 'string' ? imageUrl : isRecord(imageUrl) ? imageUrl.url : undefined;
      if (typeof url !== 'string') throw invalidRequest('An image_url part needs `image_url.url`.', { param });
      return convertUrlToGeminiPart(url, `${param}.image_url.url`);
    }
    case 'input_audio': {
      const audio = part.input_audio;
      const format = isRecord(audio) && typeof audio.format === 'string' ? audio.format : '';
      const mimeType = audioMimeTypes[format];
      if (!isRecord(audio) || typeof audio.data !== 'string' || mimeType === undefined) {
        throw invalidRequest('An input_audio part needs base64 `data` and a `format` of wav or mp3.', { param });
      }
      return { inlineData: { mimeType, data: audio.data } };
    }
    case 'file': {
      const file = part.file;
      if (!isRecord(file) || typeof file.file_data !== 'string') {
        throw invalidRequest('Only files sent inline as `file.file_data` (a data URL) are supported for Gemini.', {
          param,
          code: 'unsupported_content',
        });
      }
      return convertUrlToGeminiPart(file.file_data, `${param}.file.file_data`);
    }
    default:
      throw invalidRequest(`Content parts of type "${part.type}" are not supported for Gemini.`, {
        param,
        code: 'unsupported_content',
      });
  }
}
