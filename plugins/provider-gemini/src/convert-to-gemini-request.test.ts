import type { ChatRequest } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { convertToGeminiGenerationConfig, geminiThinkingBudgets } from './convert-to-gemini-generation-config.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';

const base: ChatRequest = { model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'Hi' }] };

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
};

describe('convertToGeminiTools', () => {
  it('declares functions with converted parameters', () => {
    expect(
      convertToGeminiTools({
        tools: [weatherTool, { type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } }],
      }),
    ).toEqual({
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather for a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
            { name: 'now' },
          ],
        },
      ],
    });
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [
      { type: 'function', function: { name: 'get_weather' } },
      { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    ],
  ] as const)('maps tool_choice %j', (toolChoice, expected) => {
    expect(convertToGeminiTools({ tools: [weatherTool], tool_choice: toolChoice }).toolConfig).toEqual({
      functionCallingConfig: expected,
    });
  });

  it('rejects unknown tool types and choices', () => {
    expect(() => convertToGeminiTools({ tools: [{ type: 'web_search' }] })).toThrow(
      expect.objectContaining({ code: 'unsupported_tool_type' }),
    );
    expect(() => convertToGeminiTools({ tools: [weatherTool], tool_choice: 'sometimes' })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() =>
      convertToGeminiTools({ tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'nope' } } }),
    ).toThrow(expect.objectContaining({ param: 'tool_choice' }));
    expect(convertToGeminiTools({ tool_choice: 'auto' })).toEqual({});
  });
});

describe('convertToGeminiGenerationConfig', () => {
  it('maps sampling and output fields', () => {
    expect(
      convertToGeminiGenerationConfig({
        ...base,
        temperature: 0.3,
        top_p: 0.9,
        max_tokens: 50,
        max_completion_tokens: 100,
        stop: 'END',
        n: 2,
        seed: 7,
        presence_penalty: 0.5,
        frequency_penalty: -0.5,
      }),
    ).toEqual({
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 100,
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      stopSequences: ['END'],
    });
    expect(convertToGeminiGenerationConfig({ ...base, max_tokens: 50, stop: ['a', 'b'] })).toEqual({
      maxOutputTokens: 50,
      stopSequences: ['a', 'b'],
    });
    expect(convertToGeminiGenerationConfig(base)).toBeUndefined();
  });

  it('maps response_format to JSON mode and a converted responseSchema', () => {
    expect(convertToGeminiGenerationConfig({ ...base, response_format: { type: 'json_object' } })).toEqual({
      responseMimeType: 'application/json',
    });
    expect(
      convertToGeminiGenerationConfig({
        ...base,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'answer',
            strict: true,
            schema: {
              type: 'object',
              properties: { answer: { type: 'string' } },
              required: ['answer'],
              additionalProperties: false,
            },
          },
        },
      }),
    ).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
    });
    expect(convertToGeminiGenerationConfig({ ...base, response_format: { type: 'text' } })).toBeUndefined();
    expect(() => convertToGeminiGenerationConfig({ ...base, response_format: { type: 'grammar' } })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('maps reasoning_effort to a thinking budget with thoughts included', () => {
    expect(geminiThinkingBudgets).toMatchObject({ low: 1024, medium: 8192, high: 24576 });
    for (const [effort, budget] of [
      ['low', 1024],
      ['medium', 8192],
      ['high', 24576],
    ] as const) {
      expect(convertToGeminiGenerationConfig({ ...base, reasoning_effort: effort })).toEqual({
        thinkingConfig: { thinkingBudget: budget, includeThoughts: true },
      });
    }
    expect(convertToGeminiGenerationConfig({ ...base, reasoning_effort: 'none' })).toEqual({
      thinkingConfig: { thinkingBudget: 0, includeThoughts: false },
    });
    expect(() => convertToGeminiGenerationConfig({ ...base, reasoning_effort: 'max' })).toThrow(
      expect.objectContaining({ param: 'reasoning_effort' }),
    );
    expect(() => convertToGeminiGenerationConfig({ ...base, seed: '7' })).toThrow(expect.objectContaining({ param: 'seed' }));
  });
});

describe('convertToGeminiRequest', () => {
  it('assembles the whole body without model or stream', () => {
    expect(
      convertToGeminiRequest({
        ...base,
        stream: true,
        messages: [{ role: 'system', content: 'sys' }, ...base.messages],
        tools: [weatherTool],
        tool_choice: 'required',
        temperature: 0,
        user: 'u-1',
        metadata: { a: 'b' },
      }),
    ).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather for a city',
              parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: { temperature: 0 },
    });
  });
});
