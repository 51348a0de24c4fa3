import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createToolCallId, decodeGeminiToolCallId, encodeGeminiToolCallId } from './gemini-tool-call-id.js';

describe('Gemini tool call ids', () => {
  it('synthesizes call_ ids when Gemini sends none and keeps Gemini ids', () => {
    expect(createToolCallId()).toMatch(/^call_[0-9a-f]{24}$/);
    expect(createToolCallId()).not.toBe(createToolCallId());
    expect(encodeGeminiToolCallId({})).toMatch(/^call_[0-9a-f]{24}$/);
    expect(encodeGeminiToolCallId({ id: 'fc_7' })).toBe('fc_7');
    expect(encodeGeminiToolCallId({ id: 'has.dot' })).toMatch(/^call_/);
  });

  it('carries the thought signature after a dot, as base64url', () => {
    const id = encodeGeminiToolCallId({ id: 'fc_1', thoughtSignature: 'CiQB+/sig==' });
    expect(id).toBe(`fc_1.${Buffer.from('CiQB+/sig==').toString('base64url')}`);
    expect(decodeGeminiToolCallId(id)).toEqual({ thoughtSignature: 'CiQB+/sig==' });
  });

  it('finds no signature in foreign or malformed ids', () => {
    expect(decodeGeminiToolCallId('call_abc123')).toEqual({});
    expect(decodeGeminiToolCallId('toolu_01A')).toEqual({});
    expect(decodeGeminiToolCallId('.abc')).toEqual({});
    expect(decodeGeminiToolCallId('call_1.not base64!')).toEqual({});
    expect(decodeGeminiToolCallId('call_1.A')).toEqual({});
  });

  it('round-trips any signature (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 300, unit: 'binary' }),
        fc.option(fc.stringMatching(/^[a-z0-9_]{1,20}$/)),
        (signature, id) => {
          const encoded = encodeGeminiToolCallId({ id: id ?? undefined, thoughtSignature: signature });
          expect(decodeGeminiToolCallId(encoded).thoughtSignature).toBe(Buffer.from(signature, 'utf8').toString('utf8'));
        },
      ),
    );
  });
});
