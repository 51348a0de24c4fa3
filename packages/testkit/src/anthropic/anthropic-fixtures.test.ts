import { describe, expect, it } from 'vitest';
import {
  anthropicError,
  anthropicErrorType,
  anthropicMessage,
  anthropicStreamEvents,
  anthropicUsage,
} from './anthropic-fixtures.js';

describe('anthropic fixtures', () => {
  it('builds a message with tool uses from partial JSON pieces and a tool_use stop reason', () => {
    expect(anthropicMessage({ toolUses: [{ id: 'toolu_1', name: 'f', partialJson: ['{"a"', ':1}'] }] })).toMatchObject({
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 5, output_tokens: 0 },
    });
    expect(anthropicMessage().content).toEqual([{ type: 'text', text: 'Hello!' }]);
  });

  it('numbers content blocks across thinking, text and tool uses and puts cache usage in message_start', () => {
    const events = anthropicStreamEvents({
      thinking: ['t'],
      text: ['a'],
      toolUses: [{ id: 'toolu_1', name: 'f', input: { x: 1 } }],
      usage: anthropicUsage({ inputTokens: 1, outputTokens: 9, cacheReadInputTokens: 7, cacheCreationInputTokens: 3 }),
      ping: false,
    });
    const starts = events
      .filter((event) => event.event === 'content_block_start')
      .map((event) => (event.data as { index: number }).index);
    expect(starts).toEqual([0, 1, 2]);
    expect(events[0]?.data).toMatchObject({
      message: { usage: { input_tokens: 1, cache_read_input_tokens: 7, cache_creation_input_tokens: 3, output_tokens: 1 } },
    });
    expect(events.at(-2)?.data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } });
    expect(events.at(-1)?.event).toBe('message_stop');
    expect(events.some((event) => event.event === 'ping')).toBe(false);
  });

  it('labels errors as Anthropic does', () => {
    expect([400, 401, 403, 404, 413, 429, 500, 503, 529].map(anthropicErrorType)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'rate_limit_error',
      'api_error',
      'api_error',
      'overloaded_error',
    ]);
    expect(anthropicError({ message: 'm' })).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'm' },
      request_id: null,
    });
  });
});
