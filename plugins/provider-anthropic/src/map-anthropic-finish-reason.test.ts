import { describe, expect, it } from 'vitest';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

describe('mapAnthropicFinishReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['pause_turn', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ])('maps %s to %s', (stopReason, finishReason) => {
    expect(mapAnthropicFinishReason(stopReason)).toBe(finishReason);
  });

  it('keeps null (still generating) and treats unknown reasons as stop', () => {
    expect(mapAnthropicFinishReason(null)).toBeNull();
    expect(mapAnthropicFinishReason(undefined)).toBeNull();
    expect(mapAnthropicFinishReason('something_new')).toBe('stop');
  });
});
