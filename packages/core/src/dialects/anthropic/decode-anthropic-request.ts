import type { ChatRequest } from '@switchyard/spec';
import { parseWith } from '../../validation.js';
import { anthropicRequestSchema } from './anthropic-request-schema.js';
import { decodeAnthropicMessages, decodeAnthropicSystem } from './decode-anthropic-messages.js';
import { decodeAnthropicToolChoice, decodeAnthropicTools } from './decode-anthropic-tools.js';
import { mapThinkingToReasoningEffort } from './map-thinking-to-reasoning-effort.js';

/**
 * An Anthropic Messages request body → the canonical chat request.
 *
 * - `system` → a leading system message; `messages` → canonical messages (see `decodeAnthropicMessages`).
 * - `max_tokens`, `temperature`, `top_p`, `stream` kept; `stop_sequences` → `stop`; `metadata.user_id` →
 *   `user`; `tools` / `tool_choice` → function tools / `tool_choice` (+ `parallel_tool_calls: false`);
 *   `tool_choice` is dropped when there are no tools (OpenAI rejects it then).
 * - `top_k` is kept as an extra field: OpenAI-compatible hosts that know it (vLLM, …) use it, the
 *   Anthropic and Gemini providers read it or drop it, OpenAI itself may reject it.
 * - `thinking` / `output_config.effort` → `reasoning_effort`; `output_config.format` → a `json_schema`
 *   `response_format`.
 * - `stream: true` also sets `stream_options.include_usage`: Anthropic clients always get usage.
 * - Everything else is dropped (`unmappedAnthropicFields`).
 *
 * @throws GatewayError (400, `invalid_request`) naming the parameter at fault (`messages[0].content[1].type`).
 */
export function decodeAnthropicRequest(body: unknown): ChatRequest {
  const request = parseWith(anthropicRequestSchema, body);
  const chat: ChatRequest = {
    model: request.model,
    messages: [...decodeAnthropicSystem(request.system), ...decodeAnthropicMessages(request.messages)],
    max_tokens: request.max_tokens,
  };
  if (request.temperature !== undefined && request.temperature !== null) chat.temperature = request.temperature;
  if (request.top_p !== undefined && request.top_p !== null) chat.top_p = request.top_p;
  if (request.top_k !== undefined && request.top_k !== null) chat.top_k = request.top_k;
  if (request.stop_sequences !== undefined && request.stop_sequences.length > 0) chat.stop = request.stop_sequences;
  const userId = request.metadata?.user_id;
  if (typeof userId === 'string' && userId.length > 0) chat.user = userId;
  if (request.tools !== undefined && request.tools.length > 0) {
    chat.tools = decodeAnthropicTools(request.tools);
    // OpenAI rejects tool_choice and parallel_tool_calls without tools, so they are only sent with some.
    if (request.tool_choice !== undefined) Object.assign(chat, decodeAnthropicToolChoice(request.tool_choice));
  }
  const effort = mapThinkingToReasoningEffort(request.thinking, request.output_config);
  if (effort !== undefined) chat.reasoning_effort = effort;
  const format = request.output_config?.format;
  if (format !== undefined && format !== null) {
    chat.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: format.schema } };
  }
  if (request.stream === true) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  } else if (request.stream === false) {
    chat.stream = false;
  }
  return chat;
}
