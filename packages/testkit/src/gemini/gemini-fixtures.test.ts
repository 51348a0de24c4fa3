import { describe, expect, it } from 'vitest';
import {
  geminiError,
  geminiErrorStatus,
  geminiResponse,
  geminiRetryInfo,
  geminiStreamFrames,
  geminiUsageMetadata,
} from './gemini-fixtures.js';

describe('gemini fixtures', () => {
  it('builds usageMetadata with the documented sums', () => {
    expect(geminiUsageMetadata({ promptTokens: 10, candidatesTokens: 4, thoughtsTokens: 6, cachedTokens: 3 })).toEqual({
      promptTokenCount: 10,
      candidatesTokenCount: 4,
      cachedContentTokenCount: 3,
      thoughtsTokenCount: 6,
      totalTokenCount: 20,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 10 }],
    });
  });

  it('builds a response with thoughts, text and signed function calls', () => {
    const response = geminiResponse({
      text: 'Sure.',
      thoughts: ['Plan it'],
      functionCalls: [
        { name: 'a', args: { x: 1 }, thoughtSignature: 'c2ln' },
        { name: 'b', id: 'fc_2' },
      ],
      candidates: 2,
    });
    expect(response.candidates).toHaveLength(2);
    expect(response.candidates?.[1]?.index).toBe(1);
    expect(response.candidates?.[0]?.content?.parts).toEqual([
      { text: 'Plan it', thought: true },
      { text: 'Sure.' },
      { functionCall: { name: 'a', args: { x: 1 } }, thoughtSignature: 'c2ln' },
      { functionCall: { name: 'b', args: {}, id: 'fc_2' } },
    ]);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata).toMatchObject({ candidatesTokenCount: 2, thoughtsTokenCount: 2 });
  });

  it('builds a blocked prompt with no candidates', () => {
    const response = geminiResponse({ blockReason: 'SAFETY' });
    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback?.blockReason).toBe('SAFETY');
    expect(geminiStreamFrames({ blockReason: 'OTHER' })).toEqual([
      expect.objectContaining({ promptFeedback: expect.objectContaining({ blockReason: 'OTHER' }) }),
    ]);
  });

  it('builds stream frames with finishReason and usage on the last frame only', () => {
    const frames = geminiStreamFrames({
      thoughts: ['hmm'],
      text: ['Hel', 'lo'],
      functionCalls: [{ name: 'f', args: { q: 'x' } }],
      usage: { promptTokens: 3, candidatesTokens: 2, cachedTokens: 1 },
    });
    expect(frames).toHaveLength(4);
    expect(frames[0]?.candidates?.[0]?.content?.parts).toEqual([{ text: 'hmm', thought: true }]);
    expect(frames[3]?.candidates?.[0]).toMatchObject({
      content: { parts: [{ functionCall: { name: 'f', args: { q: 'x' } } }] },
      finishReason: 'STOP',
    });
    expect(frames.slice(0, 3).some((frame) => frame.usageMetadata !== undefined || frame.candidates?.[0]?.finishReason)).toBe(
      false,
    );
    expect(frames[3]?.usageMetadata?.cachedContentTokenCount).toBe(1);
    expect(geminiStreamFrames({ text: ['a'], finishReason: null })[0]?.candidates?.[0]?.finishReason).toBeUndefined();
    expect(geminiStreamFrames()[0]?.candidates?.[0]?.content?.parts).toEqual([{ text: '' }]);
  });

  it('builds error bodies with canonical statuses', () => {
    expect(geminiErrorStatus(429)).toBe('RESOURCE_EXHAUSTED');
    expect(geminiErrorStatus(503)).toBe('UNAVAILABLE');
    expect(geminiErrorStatus(500)).toBe('INTERNAL');
    expect(geminiErrorStatus(400)).toBe('INVALID_ARGUMENT');
    expect(geminiError({ code: 429, message: 'slow down', details: [geminiRetryInfo('3s')] })).toEqual({
      error: {
        code: 429,
        message: 'slow down',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }],
      },
    });
  });
});
