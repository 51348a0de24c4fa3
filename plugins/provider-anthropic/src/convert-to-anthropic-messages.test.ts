import { type ChatMessage, isGatewayError } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('convertToAnthropicMessages', () => {
  it('collects system and developer messages, in order, into top-level system blocks', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'developer', content: [{ type: 'text', text: 'Use French.', cache_control: { type: 'ephemeral' } }] },
      { role: 'user', content: 'Again' },
    ];
    expect(convertToAnthropicMessages(messages)).toEqual({
      system: [
        { type: 'text', text: 'Be brief.' },
        { type: 'text', text: 'Use French.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'text', text: 'Again' },
          ],
        },
      ],
    });
  });

  it('turns a tool round trip into tool_use and tool_result blocks, merging same-role turns', () => {
    const messages: ChatMessage[] = [
      { role: 'user', content: 'Weather in Oslo and Rome?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'weather', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '12C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '20C' }] },
      { role: 'user', content: 'Thanks' },
    ];
    expect(convertToAnthropicMessages(messages).messages).toEqual([
      { role: 'user', content: 'Weather in Oslo and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Oslo' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '12C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '20C' }] },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('converts data-URL images to base64 sources and http URLs to url sources', () => {
    const [turn] = convertToAnthropicMessages([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        ],
      },
    ]).messages;
    expect(turn?.content).toEqual([
      { type: 'text', text: 'Compare' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    ]);
  });

  it('rejects invalid tool-call arguments with a 400 naming the field', () => {
    const error = thrown(() =>
      convertToAnthropicMessages([
        { role: 'user', content: 'x' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }],
        },
      ]),
    );
    expect(isGatewayError(error) && [error.status, error.kind, error.param, error.code]).toEqual([
      400,
      'invalid_request',
      'messages[1].tool_calls[0].function.arguments',
      'invalid_tool_arguments',
    ]);
    const notObject = thrown(() =>
      convertToAnthropicMessages([
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '[1]' } }],
        },
      ]),
    );
    expect(isGatewayError(notObject) && notObject.status).toBe(400);
  });

  it('rejects tool messages without tool_call_id, unsupported parts, bad image URLs and the function role', () => {
    const cases: ChatMessage[][] = [
      [{ role: 'tool', content: 'x' }],
      [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }],
      [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }] }],
      [{ role: 'function', name: 'f', content: 'x' }],
    ];
    const params = cases.map((messages) => {
      const error = thrown(() => convertToAnthropicMessages(messages));
      return isGatewayError(error) ? [error.status, error.param] : error;
    });
    expect(params).toEqual([
      [400, 'messages[0].tool_call_id'],
      [400, 'messages[0].content[0].type'],
      [400, 'messages[0].content[0].image_url.url'],
      [400, 'messages[0].role'],
    ]);
  });

  it('leaves out empty text so an assistant turn with only tool calls stays valid', () => {
    const { messages } = convertToAnthropicMessages([
      { role: 'assistant', content: [{ type: 'text', text: '' }], tool_calls: [] },
      { role: 'assistant', content: 'Done.' },
    ]);
    expect(messages).toEqual([{ role: 'assistant', content: 'Done.' }]);
  });
});
