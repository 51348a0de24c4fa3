import { chatRequestSchema, isGatewayError } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { decodeGeminiRequest } from './decode-gemini-request.js';

const route = { model: 'gemini-2.5-flash', stream: false };
const hello = [{ role: 'user', parts: [{ text: 'Hello' }] }];

function errorOf(body: unknown): { param: string | null; code: string | null; message: string; status: number } {
  try {
    decodeGeminiRequest(body, route);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    expect(error.kind).toBe('invalid_request');
    return { param: error.param, code: error.code, message: error.message, status: error.status };
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeGeminiRequest', () => {
  it('maps a minimal request with the model from the URL', () => {
    const request = decodeGeminiRequest({ contents: hello }, route);
    expect(request).toEqual({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Hello' }] });
    expect(chatRequestSchema.safeParse(request).success).toBe(true);
  });

  it('streams with usage always included', () => {
    const request = decodeGeminiRequest({ contents: hello }, { model: 'm', stream: true });
    expect(request).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('maps systemInstruction (Content or string) to a leading system message', () => {
    const request = decodeGeminiRequest({ systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: hello }, route);
    expect(request.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    const two = decodeGeminiRequest(
      { systemInstruction: { role: 'user', parts: [{ text: 'A' }, { text: 'B' }] }, contents: hello },
      route,
    );
    expect(two.messages[0]).toEqual({
      role: 'system',
      content: [
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B' },
      ],
    });
    expect(decodeGeminiRequest({ systemInstruction: 'Plain', contents: hello }, route).messages[0]).toEqual({
      role: 'system',
      content: 'Plain',
    });
  });

  it('maps roles, text, inline data and file data', () => {
    const request = decodeGeminiRequest(
      {
        contents: [
          {
            role: 'user',
            parts: [
              { text: 'Describe these.' },
              { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
              { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
              { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
              { fileData: { mimeType: 'video/mp4', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } },
            ],
          },
          { role: 'model', parts: [{ text: 'A cat, ' }, { text: 'a PDF.' }] },
          { parts: [{ text: 'Thanks' }] },
        ],
      },
      route,
    );
    expect(request.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe these.' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
          { type: 'image_url', image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } },
        ],
      },
      { role: 'assistant', content: 'A cat, a PDF.' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('accepts snake_case field names', () => {
    const request = decodeGeminiRequest(
      {
        system_instruction: { parts: [{ text: 'Sys' }] },
        contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/jpeg', data: 'abc=' } }] }],
        generation_config: { max_output_tokens: 64, stop_sequences: ['x'] },
        tools: [
          {
            function_declarations: [
              { name: 'f', parameters: { type: 'OBJECT', properties: { some_field: { type: 'STRING' } } } },
            ],
          },
        ],
      },
      route,
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Sys' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,abc=' } }] },
    ]);
    expect(request).toMatchObject({ max_tokens: 64, stop: ['x'] });
    expect(request.tools).toEqual([
      {
        type: 'function',
        function: { name: 'f', parameters: { type: 'object', properties: { some_field: { type: 'string' } } } },
      },
    ]);
  });

  it('maps function calls to tool_calls and responses to tool messages matched by id, then by name in order', () => {
    const request = decodeGeminiRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
          {
            role: 'model',
            parts: [
              { text: 'Thinking about it', thought: true },
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } } },
              { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
              { functionCall: { id: 'fc-7', name: 'get_time', args: {} } },
            ],
          },
          {
            role: 'user',
            parts: [
              { text: 'Here you go.' },
              { functionResponse: { id: 'fc-7', name: 'get_time', response: { time: '12:00' } } },
              { functionResponse: { name: 'get_weather', response: { sky: 'sunny' } } },
              { functionResponse: { name: 'get_weather', response: { sky: 'rain' } } },
            ],
          },
        ],
      },
      route,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          { id: 'fc-7', type: 'function', function: { name: 'get_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'fc-7', content: '{"time":"12:00"}' },
      { role: 'tool', tool_call_id: 'call_0', content: '{"sky":"sunny"}' },
      { role: 'tool', tool_call_id: 'call_1', content: '{"sky":"rain"}' },
      { role: 'user', content: 'Here you go.' },
    ]);
    expect(chatRequestSchema.safeParse(request).success).toBe(true);
  });

  it('carries a function call thoughtSignature in the tool call id', () => {
    const request = decodeGeminiRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'Go' }] },
          { role: 'model', parts: [{ functionCall: { name: 'run', args: {} }, thoughtSignature: 'sig/+=' }] },
          { role: 'user', parts: [{ functionResponse: { name: 'run', response: { ok: true } } }] },
        ],
      },
      route,
    );
    const id = `call_0.${Buffer.from('sig/+=', 'utf8').toString('base64url')}`;
    expect(request.messages[1]?.tool_calls?.[0]?.id).toBe(id);
    expect(request.messages[2]).toEqual({ role: 'tool', tool_call_id: id, content: '{"ok":true}' });
  });

  it('drops a model turn that held only thoughts', () => {
    const request = decodeGeminiRequest(
      {
        contents: [
          ...hello,
          { role: 'model', parts: [{ text: 'hmm', thought: true }] },
          { role: 'user', parts: [{ text: 'Again' }] },
        ],
      },
      route,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: 'Hello' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('maps tools, lower-casing Gemini schema types, and keeps parametersJsonSchema as given', () => {
    const request = decodeGeminiRequest(
      {
        contents: hello,
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather',
                parameters: {
                  type: 'OBJECT',
                  properties: { city: { type: 'STRING', enum: ['OBJECT'] }, days: { type: 'ARRAY', items: { type: 'INTEGER' } } },
                  required: ['city'],
                },
              },
              { name: 'raw', parametersJsonSchema: { type: 'object', additionalProperties: false } },
              { name: 'bare' },
            ],
          },
        ],
      },
      route,
    );
    expect(request.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string', enum: ['OBJECT'] }, days: { type: 'array', items: { type: 'integer' } } },
            required: ['city'],
          },
        },
      },
      { type: 'function', function: { name: 'raw', parameters: { type: 'object', additionalProperties: false } } },
      { type: 'function', function: { name: 'bare' } },
    ]);
  });

  it('maps functionCallingConfig modes', () => {
    const tools = [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }];
    const decode = (functionCallingConfig: unknown) =>
      decodeGeminiRequest({ contents: hello, tools, toolConfig: { functionCallingConfig } }, route);
    expect(decode({ mode: 'AUTO' }).tool_choice).toBe('auto');
    expect(decode({ mode: 'NONE' }).tool_choice).toBe('none');
    expect(decode({ mode: 'ANY' }).tool_choice).toBe('required');
    expect(decode({ mode: 'ANY', allowedFunctionNames: ['b'] }).tool_choice).toEqual({
      type: 'function',
      function: { name: 'b' },
    });
    const narrowed = decode({ mode: 'ANY', allowedFunctionNames: ['a', 'c'] });
    expect(narrowed.tool_choice).toBe('required');
    expect(narrowed.tools?.map((tool) => tool.function?.name)).toEqual(['a', 'c']);
  });

  it('drops toolConfig when there are no tools', () => {
    const request = decodeGeminiRequest({ contents: hello, toolConfig: { functionCallingConfig: { mode: 'ANY' } } }, route);
    expect(request.tool_choice).toBeUndefined();
  });

  it('maps generationConfig', () => {
    const request = decodeGeminiRequest(
      {
        contents: hello,
        generationConfig: {
          temperature: 0.2,
          topP: 0.8,
          topK: 32,
          maxOutputTokens: 100,
          stopSequences: ['END'],
          candidateCount: 2,
          seed: 7,
          presencePenalty: 0.1,
          frequencyPenalty: 0.3,
          responseMimeType: 'application/json',
          responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } } },
          thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
        },
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
      route,
    );
    expect(request).toEqual({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'Hello' }],
      temperature: 0.2,
      top_p: 0.8,
      top_k: 32,
      max_tokens: 100,
      stop: ['END'],
      n: 2,
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'response', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
      },
      reasoning_effort: 'low',
    });
    expect(chatRequestSchema.safeParse(request).success).toBe(true);
  });

  it('maps JSON mode without a schema, responseJsonSchema, and thinking settings', () => {
    const decode = (generationConfig: unknown) => decodeGeminiRequest({ contents: hello, generationConfig }, route);
    expect(decode({ responseMimeType: 'application/json' }).response_format).toEqual({ type: 'json_object' });
    expect(decode({ responseMimeType: 'text/plain' }).response_format).toBeUndefined();
    const schema = { type: 'object', properties: { n: { type: 'integer' } } };
    expect(decode({ responseMimeType: 'application/json', responseJsonSchema: schema }).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema },
    });
    expect(decode({ thinkingConfig: { thinkingBudget: 0 } }).reasoning_effort).toBe('none');
    expect(decode({ thinkingConfig: { thinkingBudget: -1 } }).reasoning_effort).toBeUndefined();
    expect(decode({ thinkingConfig: { thinkingBudget: 2048 } }).reasoning_effort).toBe('low');
    expect(decode({ thinkingConfig: { thinkingBudget: 8192 } }).reasoning_effort).toBe('medium');
    expect(decode({ thinkingConfig: { thinkingBudget: 24576 } }).reasoning_effort).toBe('high');
    expect(decode({ thinkingConfig: { thinkingBudget: 24576, thinkingLevel: 'LOW' } }).reasoning_effort).toBe('low');
  });

  describe('validation errors name the parameter', () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['missing contents', {}, 'contents', 'missing_required_parameter'],
      ['empty contents', { contents: [] }, 'contents', 'invalid_value'],
      ['missing parts', { contents: [{ role: 'user' }] }, 'contents[0].parts', 'missing_required_parameter'],
      ['bad role', { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'contents[0].role', 'invalid_value'],
      [
        'numeric text',
        { contents: [{ role: 'user', parts: [{ text: 'a' }, { text: 5 }] }] },
        'contents[0].parts[1].text',
        'invalid_value',
      ],
      [
        'inline data without mime type',
        { contents: [{ role: 'user', parts: [{ inlineData: { data: 'abc' } }] }] },
        'contents[0].parts[0].inlineData.mimeType',
        'missing_required_parameter',
      ],
      ['empty part', { contents: [{ role: 'user', parts: [{ text: 'a' }, {}] }] }, 'contents[0].parts[1]', 'invalid_value'],
      [
        'code execution part',
        { contents: [{ role: 'model', parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }] }] },
        'contents[0].parts[0].executableCode',
        'unsupported_content',
      ],
      [
        'function call in a user turn',
        { contents: [{ role: 'user', parts: [{ functionCall: { name: 'f', args: {} } }] }] },
        'contents[0].parts[0].functionCall',
        'invalid_value',
      ],
      [
        'image in a model turn',
        { contents: [{ role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: 'x' } }] }] },
        'contents[0].parts[0].inlineData',
        'invalid_value',
      ],
      [
        'unanswerable function response',
        { contents: [{ role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] }] },
        'contents[0].parts[0].functionResponse',
        'unknown_function_call',
      ],
      [
        'system instruction with an image',
        { contents: hello, systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'x' } }] } },
        'systemInstruction.parts[0].inlineData',
        'invalid_value',
      ],
      ['built-in tool', { contents: hello, tools: [{ googleSearch: {} }] }, 'tools[0].googleSearch', 'unsupported_tool'],
      [
        'declaration without name',
        { contents: hello, tools: [{ functionDeclarations: [{}] }] },
        'tools[0].functionDeclarations[0].name',
        'missing_required_parameter',
      ],
      [
        'bad mode',
        { contents: hello, toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } } },
        'toolConfig.functionCallingConfig.mode',
        'invalid_value',
      ],
      [
        'bad temperature',
        { contents: hello, generationConfig: { temperature: 'warm' } },
        'generationConfig.temperature',
        'invalid_value',
      ],
      [
        'zero maxOutputTokens',
        { contents: hello, generationConfig: { maxOutputTokens: 0 } },
        'generationConfig.maxOutputTokens',
        'invalid_value',
      ],
      [
        'enum mime type',
        { contents: hello, generationConfig: { responseMimeType: 'text/x.enum' } },
        'generationConfig.responseMimeType',
        'unsupported_value',
      ],
      ['cached content', { contents: hello, cachedContent: 'cachedContents/abc' }, 'cachedContent', 'unsupported_parameter'],
    ];
    it.each(cases)('%s', (_name, body, param, code) => {
      const error = errorOf(body);
      expect(error).toMatchObject({ param, code, status: 400 });
      expect(error.message).toContain(param);
    });

    it('rejects a body that is not an object', () => {
      expect(errorOf([1, 2]).code).toBe('invalid_request_body');
    });
  });
});
