import { type ChatCompletion, GatewayError, invalidRequest, JsonPayload } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { encodeGeminiResponse } from './encode-gemini-response.js';
import { geminiDialect } from './gemini-dialect.js';
import { mapFinishReasonToGemini } from './map-finish-reason-to-gemini.js';

const base = {
  id: 'chatcmpl-g',
  object: 'chat.completion' as const,
  created: 1,
  model: 'gpt-4o-mini',
  usage: {
    prompt_tokens: 100,
    completion_tokens: 40,
    total_tokens: 140,
    prompt_tokens_details: { cached_tokens: 25 },
    completion_tokens_details: { reasoning_tokens: 15 },
  },
};

describe('encodeGeminiResponse', () => {
  it('encodes text, finish reason, usage, modelVersion and responseId', () => {
    const response = encodeGeminiResponse({
      ...base,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello!' } }],
    });
    expect(response).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hello!' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 25,
        thoughtsTokenCount: 15,
        totalTokenCount: 140,
        cachedContentTokenCount: 25,
      },
      modelVersion: 'gpt-4o-mini',
      responseId: 'chatcmpl-g',
    });
    expect(Object.keys(response)).toEqual(['candidates', 'usageMetadata', 'modelVersion', 'responseId']);
  });

  it('encodes reasoning as a thought part and tool calls as functionCall parts, finishing with STOP', () => {
    const response = encodeGeminiResponse({
      ...base,
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'Need weather.',
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
              { id: 'call_2', type: 'function', function: { name: 'broken', arguments: 'not json' } },
            ],
          },
        },
      ],
    });
    expect(response.candidates).toEqual([
      {
        content: {
          role: 'model',
          parts: [
            { text: 'Need weather.', thought: true },
            { functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Paris' } } },
            { functionCall: { id: 'call_2', name: 'broken', args: {} } },
          ],
        },
        finishReason: 'STOP',
        index: 0,
      },
    ]);
    expect(response.usageMetadata).toEqual({ promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 });
  });

  it('encodes several choices as candidates and leaves usageMetadata out when there is no usage', () => {
    const response = encodeGeminiResponse({
      ...base,
      usage: undefined,
      choices: [
        { index: 0, finish_reason: 'length', message: { role: 'assistant', content: 'A' } },
        { index: 1, finish_reason: 'content_filter', message: { role: 'assistant', content: null, refusal: 'No.' } },
      ],
    });
    expect(response.candidates).toEqual([
      { content: { role: 'model', parts: [{ text: 'A' }] }, finishReason: 'MAX_TOKENS', index: 0 },
      { content: { role: 'model', parts: [{ text: 'No.' }] }, finishReason: 'SAFETY', index: 1 },
    ]);
    expect(response.usageMetadata).toBeUndefined();
  });

  it('is what the dialect writes for a completion result', () => {
    const completion: ChatCompletion = {
      ...base,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'x' } }],
    };
    const text = geminiDialect.encodeCompletion({
      type: 'completion',
      source: 'provider',
      body: JsonPayload.fromValue(completion),
    });
    expect(JSON.parse(text)).toEqual(encodeGeminiResponse(completion));
  });
});

describe('mapFinishReasonToGemini', () => {
  it.each([
    ['stop', 'STOP'],
    ['length', 'MAX_TOKENS'],
    ['tool_calls', 'STOP'],
    ['function_call', 'STOP'],
    ['content_filter', 'SAFETY'],
    ['novel', 'STOP'],
    [null, undefined],
  ] as const)('%s → %s', (reason, expected) => {
    expect(mapFinishReasonToGemini(reason)).toBe(expected);
  });
});

describe('geminiDialect.encodeError', () => {
  it('writes the Google error envelope with the status', () => {
    const encoded = geminiDialect.encodeError(invalidRequest("Missing required parameter: 'contents'.", { param: 'contents' }));
    expect(encoded.status).toBe(400);
    expect(JSON.parse(encoded.body)).toEqual({
      error: { code: 400, message: "Missing required parameter: 'contents'.", status: 'INVALID_ARGUMENT' },
    });
  });

  it.each([
    ['authentication', 401, 'UNAUTHENTICATED'],
    ['permission', 403, 'PERMISSION_DENIED'],
    ['not_found', 404, 'NOT_FOUND'],
    ['request_too_large', 413, 'INVALID_ARGUMENT'],
    ['rate_limit', 429, 'RESOURCE_EXHAUSTED'],
    ['upstream', 502, 'INTERNAL'],
    ['internal', 500, 'INTERNAL'],
    ['timeout', 504, 'DEADLINE_EXCEEDED'],
    ['unavailable', 503, 'UNAVAILABLE'],
  ] as const)('kind %s → %s', (kind, status, name) => {
    const encoded = geminiDialect.encodeError(new GatewayError({ message: 'x', kind, status }));
    expect(encoded.status).toBe(status);
    expect(JSON.parse(encoded.body).error).toEqual({ code: status, message: 'x', status: name });
  });

  it("keeps the upstream Gemini status carried as the error's code, and retry-after", () => {
    const error = new GatewayError({
      message: 'User location is not supported.',
      kind: 'invalid_request',
      status: 400,
      code: 'failed_precondition',
      headers: { 'retry-after': '3' },
    });
    const encoded = geminiDialect.encodeError(error);
    expect(JSON.parse(encoded.body).error.status).toBe('FAILED_PRECONDITION');
    expect(encoded.headers).toEqual({ 'retry-after': '3' });
    const openAICode = new GatewayError({ message: 'x', kind: 'invalid_request', status: 400, code: 'context_length_exceeded' });
    expect(JSON.parse(geminiDialect.encodeError(openAICode).body).error.status).toBe('INVALID_ARGUMENT');
  });

  it('refuses to encode embeddings', () => {
    expect(() => geminiDialect.encodeEmbeddings({ type: 'embeddings', source: 'provider' } as never)).toThrow(
      expect.objectContaining({ kind: 'invalid_request', status: 400 }),
    );
  });
});
