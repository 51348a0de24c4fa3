import { chatRequestSchema, isGatewayError } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { decodeAnthropicRequest } from './decode-anthropic-request.js';

const base = { model: 'claude-sonnet-4-5', max_tokens: 256 };

function errorOf(body: unknown): { param: string | null; code: string | null; message: string; status: number } {
  try {
    decodeAnthropicRequest(body);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    expect(error.kind).toBe('invalid_request');
    return { param: error.param, code: error.code, message: error.message, status: error.status };
  }
  throw new Error('expected the body to be rejected');
}

describe('decodeAnthropicRequest', () => {
  it('maps a minimal request and keeps it valid for the canonical schema', () => {
    const request = decodeAnthropicRequest({ ...base, messages: [{ role: 'user', content: 'Hello' }] });
    expect(request).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hello' }] });
    expect(chatRequestSchema.safeParse(request).success).toBe(true);
  });

  it('turns a string system prompt and text-block system prompts into one leading system message', () => {
    const plain = decodeAnthropicRequest({ ...base, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
    expect(plain.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    const blocks = decodeAnthropicRequest({
      ...base,
      system: [
        { type: 'text', text: 'One.' },
        { type: 'text', text: 'Two.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(blocks.messages[0]).toEqual({
      role: 'system',
      content: [
        { type: 'text', text: 'One.' },
        { type: 'text', text: 'Two.', cache_control: { type: 'ephemeral' } },
      ],
    });
    const empty = decodeAnthropicRequest({ ...base, system: [], messages: [{ role: 'user', content: 'Hi' }] });
    expect(empty.messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('maps text and image blocks; a single text block becomes a plain string', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Only text' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Reply' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look:' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Only text' },
      { role: 'assistant', content: 'Reply' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Look:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]);
  });

  it('keeps cache_control on a text block (so one such block stays an array)', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Long doc', cache_control: { type: 'ephemeral' } }] }],
    });
    expect(request.messages[0]?.content).toEqual([{ type: 'text', text: 'Long doc', cache_control: { type: 'ephemeral' } }]);
  });

  it('maps documents: base64 PDF → file part, plain text → text part', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              title: 'report.pdf',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain doc' } },
          ],
        },
      ],
    });
    expect(request.messages[0]?.content).toEqual([
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' } },
      { type: 'text', text: 'Plain doc' },
    ]);
  });

  it('maps tool_use to tool_calls and tool_result to tool messages placed before the user text of that turn', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Need tools.', signature: 'sig' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Also, thanks!' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              is_error: true,
              content: [
                { type: 'text', text: 'Service down' },
                { type: 'text', text: 'try later' },
              ],
            },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: Service down\ntry later' },
      { role: 'user', content: 'Also, thanks!' },
    ]);
    expect(chatRequestSchema.safeParse(request).success).toBe(true);
  });

  it('gives an assistant turn with only tool_use null content, and a user turn with only results no user message', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_9', name: 'run', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_9' }] },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'run', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_9', content: '' },
    ]);
  });

  it('keeps images in a tool result as parts', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_3',
              content: [
                { type: 'text', text: 'Screenshot:' },
                { type: 'image', source: { type: 'url', url: 'https://example.com/s.png' } },
              ],
            },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'tool',
        tool_call_id: 'toolu_3',
        content: [
          { type: 'text', text: 'Screenshot:' },
          { type: 'image_url', image_url: { url: 'https://example.com/s.png' } },
        ],
      },
    ]);
  });

  it('drops an assistant turn that held only thinking blocks', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'redacted_thinking', data: 'opaque' }] },
        { role: 'user', content: 'Again' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'user', content: 'Again' },
    ]);
  });

  it('maps tools, tool_choice and disable_parallel_tool_use', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: schema, cache_control: { type: 'ephemeral' } }];
    const messages = [{ role: 'user', content: 'Hi' }];
    const cases: Array<[unknown, Record<string, unknown>]> = [
      [{ type: 'auto' }, { tool_choice: 'auto' }],
      [
        { type: 'any', disable_parallel_tool_use: true },
        { tool_choice: 'required', parallel_tool_calls: false },
      ],
      [{ type: 'tool', name: 'get_weather' }, { tool_choice: { type: 'function', function: { name: 'get_weather' } } }],
      [{ type: 'none' }, { tool_choice: 'none' }],
    ];
    for (const [toolChoice, expected] of cases) {
      const request = decodeAnthropicRequest({ ...base, messages, tools, tool_choice: toolChoice });
      expect(request.tools).toEqual([
        { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: schema } },
      ]);
      expect({ tool_choice: request.tool_choice, parallel_tool_calls: request.parallel_tool_calls }).toEqual({
        parallel_tool_calls: undefined,
        ...expected,
      });
    }
  });

  it('drops tool_choice when there are no tools', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [{ role: 'user', content: 'Hi' }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(request.tool_choice).toBeUndefined();
    expect(request.parallel_tool_calls).toBeUndefined();
  });

  it('maps sampling, stop, metadata, top_k and stream (with usage always on)', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-42' },
      stream: true,
      service_tier: 'auto',
      cache_control: { type: 'ephemeral' },
    });
    expect(request).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop: ['END'],
      user: 'user-42',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(decodeAnthropicRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }], stream: false }).stream).toBe(false);
  });

  it('maps thinking budgets and output_config to reasoning_effort and response_format', () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    const effortFor = (extra: Record<string, unknown>) =>
      decodeAnthropicRequest({ ...base, messages, ...extra }).reasoning_effort;
    expect(effortFor({ thinking: { type: 'enabled', budget_tokens: 1024 } })).toBe('low');
    expect(effortFor({ thinking: { type: 'enabled', budget_tokens: 2048 } })).toBe('medium');
    expect(effortFor({ thinking: { type: 'enabled', budget_tokens: 8191 } })).toBe('medium');
    expect(effortFor({ thinking: { type: 'enabled', budget_tokens: 8192 } })).toBe('high');
    expect(effortFor({ thinking: { type: 'disabled' } })).toBeUndefined();
    expect(effortFor({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } })).toBe('xhigh');
    expect(effortFor({ thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'high' } })).toBe('high');
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const request = decodeAnthropicRequest({ ...base, messages, output_config: { format: { type: 'json_schema', schema } } });
    expect(request.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema } });
  });

  it('accepts system-role messages inside messages', () => {
    const request = decodeAnthropicRequest({
      ...base,
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Now be formal.' },
      ],
    });
    expect(request.messages[1]).toEqual({ role: 'system', content: 'Now be formal.' });
  });

  describe('validation errors name the parameter', () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    const cases: Array<[string, unknown, string, string]> = [
      ['missing model', { max_tokens: 5, messages }, 'model', 'missing_required_parameter'],
      ['missing max_tokens', { model: 'm', messages }, 'max_tokens', 'missing_required_parameter'],
      ['zero max_tokens', { ...base, max_tokens: 0, messages }, 'max_tokens', 'invalid_value'],
      ['missing messages', { ...base }, 'messages', 'missing_required_parameter'],
      ['empty messages', { ...base, messages: [] }, 'messages', 'invalid_value'],
      ['bad role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
      ['missing content', { ...base, messages: [{ role: 'user' }] }, 'messages[0].content', 'missing_required_parameter'],
      ['numeric content', { ...base, messages: [{ role: 'user', content: 3 }] }, 'messages[0].content', 'invalid_value'],
      [
        'unknown block type',
        { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'video' }] }] },
        'messages[0].content[1].type',
        'invalid_value',
      ],
      [
        'text block without text',
        { ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
        'messages[0].content[0].text',
        'missing_required_parameter',
      ],
      [
        'bad image source type',
        { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }] },
        'messages[0].content[0].source.type',
        'invalid_value',
      ],
      [
        'tool_use in a user turn',
        { ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }] },
        'messages[0].content[0].type',
        'invalid_value',
      ],
      [
        'tool_result in an assistant turn',
        { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] },
        'messages[0].content[0].type',
        'invalid_value',
      ],
      [
        'bad tool_result content block',
        {
          ...base,
          messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'document' }] }] }],
        },
        'messages[0].content[0].content[0].type',
        'invalid_value',
      ],
      ['bad system block', { ...base, messages, system: [{ type: 'image' }] }, 'system[0].type', 'invalid_value'],
      [
        'tool_choice tool without name',
        { ...base, messages, tool_choice: { type: 'tool' } },
        'tool_choice.name',
        'missing_required_parameter',
      ],
      ['unknown tool_choice', { ...base, messages, tool_choice: { type: 'some' } }, 'tool_choice.type', 'invalid_value'],
      [
        'server tool',
        { ...base, messages, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
        'tools[0].type',
        'unsupported_tool',
      ],
      [
        'tool without schema',
        { ...base, messages, tools: [{ name: 'x' }] },
        'tools[0].input_schema',
        'missing_required_parameter',
      ],
      [
        'thinking without budget',
        { ...base, messages, thinking: { type: 'enabled' } },
        'thinking.budget_tokens',
        'missing_required_parameter',
      ],
      ['string temperature', { ...base, messages, temperature: 'hot' }, 'temperature', 'invalid_value'],
    ];
    it.each(cases)('%s', (_name, body, param, code) => {
      const error = errorOf(body);
      expect(error).toMatchObject({ param, code, status: 400 });
      expect(error.message).toContain(param);
    });

    it('rejects a body that is not an object', () => {
      expect(errorOf('nope').code).toBe('invalid_request_body');
    });
  });
});
