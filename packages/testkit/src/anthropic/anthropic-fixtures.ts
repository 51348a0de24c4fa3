/**
 * Pure builders for Anthropic Messages wire objects, shaped exactly as Anthropic sends them. Use them to
 * script realistic answers: `upstream.script({ kind: 'sse', events: anthropicStreamEvents({ text: ['Hel', 'lo'] }) })`.
 */
import { countWords } from '../openai-fixtures.js';
import type { AnthropicContentBlock, AnthropicErrorBody, AnthropicMessage, AnthropicSseEvent, AnthropicUsage } from './types.js';

const defaultModel = 'claude-sonnet-4-5';
const fakeSignature = 'sig_fake';

export interface AnthropicUsageOptions {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

/** A usage object as Anthropic reports it (`input_tokens` excludes both cache counts). */
export function anthropicUsage({
  inputTokens,
  outputTokens,
  cacheReadInputTokens = 0,
  cacheCreationInputTokens = 0,
}: AnthropicUsageOptions): AnthropicUsage {
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: cacheCreationInputTokens,
    cache_read_input_tokens: cacheReadInputTokens,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

export interface AnthropicToolUseFixture {
  id: string;
  name: string;
  /** The tool input object (non-stream), or streamed as one piece when `partialJson` is absent. */
  input?: Record<string, unknown>;
  /** Streamed `input_json_delta.partial_json` pieces; their concatenation must be the input's JSON. */
  partialJson?: string[];
}

export interface AnthropicMessageOptions {
  model?: string;
  id?: string;
  /** Default `'Hello!'`, or no text block when `toolUses` are given. `null` leaves the text block out. */
  text?: string | null;
  /** A thinking block placed first. */
  thinking?: string;
  toolUses?: AnthropicToolUseFixture[];
  /** Default `'tool_use'` when `toolUses` are given, otherwise `'end_turn'`. */
  stopReason?: string;
  stopSequence?: string | null;
  /** Default: 5 input tokens, output tokens = words of the text. */
  usage?: AnthropicUsage;
}

function toolInput(toolUse: AnthropicToolUseFixture): Record<string, unknown> {
  if (toolUse.input !== undefined) return toolUse.input;
  const joined = (toolUse.partialJson ?? []).join('');
  return joined.length === 0 ? {} : (JSON.parse(joined) as Record<string, unknown>);
}

/** A full non-streamed `message` object. */
export function anthropicMessage({
  model = defaultModel,
  id = 'msg_fake',
  text,
  thinking,
  toolUses = [],
  stopReason,
  stopSequence = null,
  usage,
}: AnthropicMessageOptions = {}): AnthropicMessage {
  const hasToolUses = toolUses.length > 0;
  const resolvedText = text !== undefined ? text : hasToolUses ? null : 'Hello!';
  const content: AnthropicContentBlock[] = [];
  if (thinking !== undefined) content.push({ type: 'thinking', thinking, signature: fakeSignature });
  if (resolvedText !== null) content.push({ type: 'text', text: resolvedText });
  for (const toolUse of toolUses) {
    content.push({ type: 'tool_use', id: toolUse.id, name: toolUse.name, input: toolInput(toolUse) });
  }
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason ?? (hasToolUses ? 'tool_use' : 'end_turn'),
    stop_sequence: stopSequence,
    usage: usage ?? anthropicUsage({ inputTokens: 5, outputTokens: countWords(resolvedText ?? '') }),
  };
}

export interface AnthropicStreamEventsOptions {
  model?: string;
  id?: string;
  /** Text pieces, one `text_delta` each, in one text block. */
  text?: string[];
  /** Thinking pieces, one `thinking_delta` each, in a thinking block placed first (then a `signature_delta`). */
  thinking?: string[];
  /** Tool-use blocks after the text, each streamed as `input_json_delta` pieces. */
  toolUses?: AnthropicToolUseFixture[];
  /** Default `'tool_use'` when `toolUses` are given, otherwise `'end_turn'`. */
  stopReason?: string;
  stopSequence?: string | null;
  /**
   * `input_tokens` and the cache counts go into `message_start`; `output_tokens` (cumulative) into
   * `message_delta`. Default: 5 input tokens, output tokens = words of the text.
   */
  usage?: AnthropicUsage;
  /** Send a `ping` after the first content block start, as Anthropic does; default true. */
  ping?: boolean;
  /** Leave out `message_stop` (a truncated stream); default false. */
  omitMessageStop?: boolean;
}

/** The events of a streamed message, ready for `{ kind: 'sse', events }`. */
export function anthropicStreamEvents({
  model = defaultModel,
  id = 'msg_fake',
  text = [],
  thinking,
  toolUses = [],
  stopReason,
  stopSequence = null,
  usage,
  ping = true,
  omitMessageStop = false,
}: AnthropicStreamEventsOptions = {}): AnthropicSseEvent[] {
  const resolvedUsage = usage ?? anthropicUsage({ inputTokens: 5, outputTokens: countWords(text.join('')) });
  const events: AnthropicSseEvent[] = [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...resolvedUsage, output_tokens: 1 },
        },
      },
    },
  ];
  let index = 0;
  const block = (contentBlock: unknown, deltas: unknown[]): void => {
    events.push({ event: 'content_block_start', data: { type: 'content_block_start', index, content_block: contentBlock } });
    if (index === 0 && ping) events.push({ event: 'ping', data: { type: 'ping' } });
    for (const delta of deltas)
      events.push({ event: 'content_block_delta', data: { type: 'content_block_delta', index, delta } });
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
    index += 1;
  };
  if (thinking !== undefined) {
    block({ type: 'thinking', thinking: '', signature: '' }, [
      ...thinking.map((piece) => ({ type: 'thinking_delta', thinking: piece })),
      { type: 'signature_delta', signature: fakeSignature },
    ]);
  }
  if (text.length > 0) {
    block(
      { type: 'text', text: '' },
      text.map((piece) => ({ type: 'text_delta', text: piece })),
    );
  }
  for (const toolUse of toolUses) {
    const pieces = toolUse.partialJson ?? [JSON.stringify(toolUse.input ?? {})];
    block(
      { type: 'tool_use', id: toolUse.id, name: toolUse.name, input: {} },
      pieces.map((piece) => ({ type: 'input_json_delta', partial_json: piece })),
    );
  }
  events.push({
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason: stopReason ?? (toolUses.length > 0 ? 'tool_use' : 'end_turn'), stop_sequence: stopSequence },
      usage: { output_tokens: resolvedUsage.output_tokens },
    },
  });
  if (!omitMessageStop) events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

/** The `error.type` Anthropic uses for an HTTP status. */
export function anthropicErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request_error',
    401: 'authentication_error',
    402: 'billing_error',
    403: 'permission_error',
    404: 'not_found_error',
    413: 'request_too_large',
    429: 'rate_limit_error',
    500: 'api_error',
    504: 'timeout_error',
    529: 'overloaded_error',
  };
  return types[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The body of an Anthropic error: `{"type":"error","error":{"type","message"},"request_id"}`. */
export function anthropicError({
  message,
  type = 'invalid_request_error',
  requestId = null,
}: {
  message: string;
  type?: string;
  requestId?: string | null;
}): AnthropicErrorBody {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** An in-stream `event: error` (what Anthropic sends when it fails after the 200). */
export function anthropicErrorEvent({
  message = 'Overloaded',
  type = 'overloaded_error',
}: {
  message?: string;
  type?: string;
} = {}): AnthropicSseEvent {
  return { event: 'error', data: { type: 'error', error: { type, message } } };
}
