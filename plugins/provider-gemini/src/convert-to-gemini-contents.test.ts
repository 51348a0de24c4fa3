import type { ChatMessage } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { guessMimeTypeFromUrl } from './convert-content-part-to-gemini-part.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { encodeGeminiToolCallId } from './gemini-tool-call-id.js';

describe('convertToGeminiContents', () => {
  it('collects system and developer messages into systemInstruction and maps roles', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      { role: 'assistant', content: 'Bonjour' },
      { role: 'user', content: 'Again' },
    ];
    expect(convertToGeminiContents(messages)).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Bonjour' }] },
        { role: 'user', parts: [{ text: 'Again' }] },
      ],
    });
  });

  it('merges consecutive turns of the same role and drops empty ones', () => {
    expect(
      convertToGeminiContents([
        { role: 'user', content: 'a' },
        { role: 'user', content: [{ type: 'text', text: 'b' }] },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'c' },
      ]),
    ).toEqual({ contents: [{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }, { text: 'c' }] }] });
  });

  it('turns tool calls into functionCall parts and tool results into functionResponse parts', () => {
    const signed = encodeGeminiToolCallId({ thoughtSignature: 'sig-A' });
    const { contents } = convertToGeminiContents([
      { role: 'user', content: 'Weather in Oslo and Paris?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: signed, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: signed, content: '{"temp":3}' },
      { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Oslo and Paris?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'sig-A' },
          { functionCall: { name: 'get_weather', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { temp: 3 } } },
          { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it('rejects invalid tool arguments, orphan tool results and non-function tool calls with 400s', () => {
    const call = (args: string): ChatMessage[] => [
      { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }] },
    ];
    expect(() => convertToGeminiContents(call('{nope'))).toThrow(
      expect.objectContaining({
        status: 400,
        param: 'messages[0].tool_calls[0].function.arguments',
        code: 'invalid_tool_arguments',
      }),
    );
    expect(() => convertToGeminiContents(call('[1,2]'))).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => convertToGeminiContents([{ role: 'tool', tool_call_id: 'missing', content: 'x' }])).toThrow(
      expect.objectContaining({ status: 400, param: 'messages[0].tool_call_id' }),
    );
    expect(() => convertToGeminiContents([{ role: 'assistant', tool_calls: [{ id: 'c1', type: 'custom' }] }])).toThrow(
      expect.objectContaining({ status: 400, code: 'unsupported_tool_type' }),
    );
  });

  it('maps a legacy function message by its name', () => {
    expect(convertToGeminiContents([{ role: 'function', name: 'lookup', content: 'done' }]).contents).toEqual([
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { output: 'done' } } }] },
    ]);
  });

  it('maps images, audio and inline files', () => {
    const { contents } = convertToGeminiContents([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.JPG?size=2', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://example.com/picture' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          { type: 'image_url', image_url: { url: 'data:text/plain,hello%20there' } },
        ],
      },
    ]);
    expect(contents[0]?.parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { fileUri: 'https://example.com/cat.JPG?size=2', mimeType: 'image/jpeg' } },
      { fileData: { fileUri: 'https://example.com/picture' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
      { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
      { inlineData: { mimeType: 'text/plain', data: Buffer.from('hello there').toString('base64') } },
    ]);
  });

  it('rejects unsupported parts and URLs', () => {
    const user = (part: Record<string, unknown>): ChatMessage[] => [{ role: 'user', content: [{ type: 'x', ...part }] }];
    expect(() => convertToGeminiContents(user({ type: 'video_url' }))).toThrow(
      expect.objectContaining({ code: 'unsupported_content' }),
    );
    expect(() => convertToGeminiContents(user({ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }))).toThrow(
      expect.objectContaining({ param: 'messages[0].content[0].image_url.url' }),
    );
    expect(() => convertToGeminiContents(user({ type: 'file', file: { file_id: 'file-1' } }))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => convertToGeminiContents([{ role: 'system', content: [{ type: 'image_url' }] }])).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('guesses MIME types from URL extensions', () => {
    expect(guessMimeTypeFromUrl('https://x.test/a/b.webp')).toBe('image/webp');
    expect(guessMimeTypeFromUrl('https://x.test/doc.pdf#page=2')).toBe('application/pdf');
    expect(guessMimeTypeFromUrl('https://x.test/noext')).toBeUndefined();
    expect(guessMimeTypeFromUrl('not a url')).toBeUndefined();
  });
});
