import { type ChatRequest, invalidRequest } from '@switchyard/spec';
import type { AnthropicRequest } from './anthropic-wire-types.js';
import { convertReasoningEffort } from './convert-reasoning-effort.js';
import { convertResponseFormat } from './convert-response-format.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { convertToAnthropicToolChoice } from './convert-to-anthropic-tool-choice.js';
import { convertToAnthropicTools } from './convert-to-anthropic-tools.js';

export interface ConvertToAnthropicRequestOptions {
  /** The upstream model id. */
  model: string;
  request: ChatRequest;
  /** `max_tokens` when the client set neither `max_completion_tokens` nor `max_tokens`. */
  defaultMaxTokens: number;
  stream: boolean;
}

function stopSequences(stop: ChatRequest['stop']): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const sequences = typeof stop === 'string' ? [stop] : stop;
  return sequences.length > 0 ? [...sequences] : undefined;
}

/**
 * A canonical (OpenAI) chat request → the body of Anthropic's `POST /v1/messages`. Only mapped fields are
 * written; OpenAI-only fields (see `unmappedOpenAIFields`) are dropped.
 *
 * @throws GatewayError (400) for requests Anthropic cannot serve: `n` > 1, `response_format` json_object,
 * invalid tool-call arguments, unsupported tools, content parts or `reasoning_effort` values.
 */
export function convertToAnthropicRequest({
  model,
  request,
  defaultMaxTokens,
  stream,
}: ConvertToAnthropicRequestOptions): AnthropicRequest {
  if (typeof request.n === 'number' && request.n > 1) {
    throw invalidRequest('Anthropic returns one choice per request: `n` greater than 1 is not supported.', {
      param: 'n',
      code: 'unsupported_parameter',
    });
  }
  const { system, messages } = convertToAnthropicMessages(request.messages);
  const body: AnthropicRequest = {
    model,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens,
    messages,
  };
  if (system.length > 0) body.system = system;
  if (stream) body.stream = true;

  const stop = stopSequences(request.stop);
  if (stop !== undefined) body.stop_sequences = stop;
  if (typeof request.temperature === 'number') body.temperature = request.temperature;
  if (typeof request.top_p === 'number') body.top_p = request.top_p;
  if (typeof request.top_k === 'number') body.top_k = request.top_k;

  if (request.tools !== undefined && request.tools.length > 0) body.tools = convertToAnthropicTools(request.tools);
  // Without tools there is no parallel tool use to disable (and Anthropic refuses a tool_choice without tools).
  const parallelToolCalls = body.tools === undefined ? undefined : request.parallel_tool_calls;
  const toolChoice = convertToAnthropicToolChoice({ toolChoice: request.tool_choice, parallelToolCalls });
  if (toolChoice !== undefined) body.tool_choice = toolChoice;

  const reasoning = convertReasoningEffort(request.reasoning_effort, body.max_tokens);
  if (reasoning !== undefined) {
    body.thinking = reasoning.thinking;
    body.max_tokens = reasoning.maxTokens;
  }
  const outputConfig = convertResponseFormat(request.response_format);
  if (outputConfig !== undefined) body.output_config = outputConfig;
  if (typeof request.user === 'string' && request.user.length > 0) body.metadata = { user_id: request.user };
  return body;
}
