import { type ChatRequest, isGatewayError } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';
import { unmappedOpenAIFields } from './unmapped-openai-fields.js';

const base: ChatRequest = { model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] };

function convert(request: Partial<ChatRequest> & Record<string, unknown>, stream = false) {
  return convertToAnthropicRequest({
    model: 'claude-sonnet-4-5',
    request: { ...base, ...request } as ChatRequest,
    defaultMaxTokens: 4096,
    stream,
  });
}

function errorOf(action: () => unknown): { status: number; param: string | null; code: string | null; message: string } {
  try {
    action();
  } catch (error) {
    if (isGatewayError(error)) return { status: error.status, param: error.param, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('convertToAnthropicRequest', () => {
  it('writes the upstream model, the default max_tokens and compact string content', () => {
    expect(convert({})).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 4096, messages: [{ role: 'user', content: 'Hi' }] });
    expect(convert({}, true)).toMatchObject({ stream: true });
  });

  it('prefers max_completion_tokens over max_tokens', () => {
    expect(convert({ max_tokens: 100 }).max_tokens).toBe(100);
    expect(convert({ max_tokens: 100, max_completion_tokens: 200 }).max_tokens).toBe(200);
  });

  it('maps stop, sampling, user and a top_k extension', () => {
    expect(convert({ stop: 'END', temperature: 0.2, top_p: 0.9, top_k: 40, user: 'user-7' })).toMatchObject({
      stop_sequences: ['END'],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-7' },
    });
    expect(convert({ stop: ['a', 'b'] }).stop_sequences).toEqual(['a', 'b']);
    expect(convert({ stop: [] }).stop_sequences).toBeUndefined();
    expect(convert({ stop: null, temperature: null }).temperature).toBeUndefined();
  });

  it('maps tools and every tool_choice form', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'weather',
          description: 'Weather by city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'now' } },
    ];
    expect(convert({ tools }).tools).toEqual([
      {
        name: 'weather',
        description: 'Weather by city',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        strict: true,
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
    expect(convert({ tools, tool_choice: 'auto' }).tool_choice).toEqual({ type: 'auto' });
    expect(convert({ tools, tool_choice: 'none' }).tool_choice).toEqual({ type: 'none' });
    expect(convert({ tools, tool_choice: 'required' }).tool_choice).toEqual({ type: 'any' });
    expect(convert({ tools, tool_choice: { type: 'function', function: { name: 'now' } } }).tool_choice).toEqual({
      type: 'tool',
      name: 'now',
    });
    expect(convert({ tools, parallel_tool_calls: false }).tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(convert({ tools, tool_choice: 'required', parallel_tool_calls: false }).tool_choice).toEqual({
      type: 'any',
      disable_parallel_tool_use: true,
    });
    expect(convert({ parallel_tool_calls: false }).tool_choice).toBeUndefined();
    expect(errorOf(() => convert({ tools, tool_choice: 'sometimes' })).param).toBe('tool_choice');
    expect(errorOf(() => convert({ tools: [{ type: 'custom' }] })).param).toBe('tools[0].type');
  });

  it('turns reasoning_effort into a thinking budget and raises max_tokens above it', () => {
    expect(convert({ reasoning_effort: 'low' })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      max_tokens: 4096,
    });
    expect(convert({ reasoning_effort: 'medium', max_tokens: 1000 })).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 4096 },
      max_tokens: 5096,
    });
    expect(convert({ reasoning_effort: 'high' })).toMatchObject({ thinking: { budget_tokens: 16384 }, max_tokens: 20480 });
    expect(convert({ reasoning_effort: 'none' }).thinking).toBeUndefined();
    expect(errorOf(() => convert({ reasoning_effort: 'extreme' })).param).toBe('reasoning_effort');
  });

  it('maps response_format json_schema to output_config and refuses json_object with a 400', () => {
    const schema = {
      type: 'object',
      properties: { answer: { type: 'string' } },
      required: ['answer'],
      additionalProperties: false,
    };
    expect(
      convert({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } }).output_config,
    ).toEqual({
      format: { type: 'json_schema', schema },
    });
    expect(convert({ response_format: { type: 'text' } }).output_config).toBeUndefined();
    expect(errorOf(() => convert({ response_format: { type: 'json_object' } }))).toMatchObject({
      status: 400,
      param: 'response_format',
      code: 'unsupported_parameter',
    });
    expect(errorOf(() => convert({ response_format: { type: 'json_schema', json_schema: { name: 'x' } } })).param).toBe(
      'response_format.json_schema.schema',
    );
  });

  it('refuses n > 1 with a 400 naming n', () => {
    expect(errorOf(() => convert({ n: 2 }))).toMatchObject({ status: 400, param: 'n', code: 'unsupported_parameter' });
    expect(convert({ n: 1 }).max_tokens).toBe(4096);
  });

  it('drops the OpenAI-only fields it cannot map', () => {
    const extras = Object.fromEntries(unmappedOpenAIFields.map((field) => [field, field === 'stream_options' ? {} : 1]));
    const body = convert(extras) as unknown as Record<string, unknown>;
    for (const field of unmappedOpenAIFields) expect(body).not.toHaveProperty(field);
    expect(Object.keys(body).sort()).toEqual(['max_tokens', 'messages', 'model']);
  });
});
