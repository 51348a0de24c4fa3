import { type ContentPart, invalidRequest } from '@switchyard/spec';
import type { GeminiPartParam } from './gemini-request-schema.js';

const audioFormats: Readonly<Record<string, string>> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/mp3': 'mp3',
  'audio/mpeg': 'mp3',
};

/** The data fields of a part; exactly one is set. Fields the dialect cannot map are listed to report them. */
export const geminiPartDataFields = [
  'text',
  'inlineData',
  'fileData',
  'functionCall',
  'functionResponse',
  'executableCode',
  'codeExecutionResult',
] as const;

export type GeminiPartKind = (typeof geminiPartDataFields)[number];

/**
 * The kind of a part (which data field it sets). @throws GatewayError (400) naming the part when it sets
 * none, or names it by field when the field cannot be mapped (`executableCode`, `codeExecutionResult`).
 */
export function geminiPartKind(
  part: GeminiPartParam,
  param: string,
): Exclude<GeminiPartKind, 'executableCode' | 'codeExecutionResult'> {
  const kind = geminiPartDataFields.find((field) => part[field] !== undefined && part[field] !== null);
  if (kind === undefined) {
    throw invalidRequest(
      `Invalid value for '${param}': a part needs one of text, inlineData, fileData, functionCall, functionResponse.`,
      {
        param,
        code: 'invalid_value',
      },
    );
  }
  if (kind === 'executableCode' || kind === 'codeExecutionResult') {
    throw invalidRequest(`Unsupported value for '${param}.${kind}': code execution parts cannot go through the gateway.`, {
      param: `${param}.${kind}`,
      code: 'unsupported_content',
    });
  }
  return kind;
}

/**
 * A user-side media or text part → a canonical content part:
 *
 * - `text` → a text part;
 * - `inlineData`: `image/*` → an `image_url` data URL; `audio/wav` / `audio/mp3` (`audio/mpeg`) →
 *   `input_audio`; any other type (PDF, …) → a `file` part with a data URL;
 * - `fileData` → an `image_url` with the `fileUri` (its `mimeType` is not carried; the Gemini provider
 *   guesses it from the extension).
 */
export function decodeGeminiMediaPart(part: GeminiPartParam, kind: 'text' | 'inlineData' | 'fileData'): ContentPart {
  if (kind === 'text') return { type: 'text', text: part.text ?? '' };
  if (kind === 'fileData') return { type: 'image_url', image_url: { url: part.fileData?.fileUri ?? '' } };
  const mimeType = part.inlineData?.mimeType ?? '';
  const data = part.inlineData?.data ?? '';
  const audioFormat = audioFormats[mimeType.toLowerCase()];
  if (audioFormat !== undefined) return { type: 'input_audio', input_audio: { data, format: audioFormat } };
  const url = `data:${mimeType};base64,${data}`;
  if (mimeType.toLowerCase().startsWith('image/')) return { type: 'image_url', image_url: { url } };
  return { type: 'file', file: { file_data: url } };
}
