/**
 * Pure builders for OpenAI wire objects, shaped exactly as OpenAI sends them. Use them to script
 * realistic answers: `upstream.script({ kind: 'sse', events: openaiChunks({ content: ['Hel', 'lo'] }) })`.
 */
import type {
  OpenAIChatCompletion,
  OpenAIChatCompletionChunk,
  OpenAIChunkDelta,
  OpenAIErrorBody,
  OpenAIToolCall,
  Usage,
} from './types.js';

const defaultModel = 'gpt-4o-mini';
const systemFingerprint = 'fp_fake';

/** Counts whitespace-separated words: the fake's deterministic stand-in for tokens. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** Builds a usage object with zeroed details, as OpenAI reports it. */
export function openaiUsage({ promptTokens, completionTokens }: { promptTokens: number; completionTokens: number }): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface OpenAICompletionOptions {
  model?: string;
  id?: string;
  created?: number;
  /** Default `'Hello!'`, or `null` when `toolCalls` are given. */
  content?: string | null;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
  /** Default `'tool_calls'` when `toolCalls` are given, otherwise `'stop'`. */
  finishReason?: string;
  /** Default: 5 prompt tokens, completion tokens = words of `content`. */
  usage?: Usage;
}

/** A full non-streamed `chat.completion` object. */
export function openaiCompletion({
  model = defaultModel,
  id = 'chatcmpl-fake',
  created = nowInSeconds(),
  content,
  toolCalls,
  finishReason,
  usage,
}: OpenAICompletionOptions = {}): OpenAIChatCompletion {
  const hasToolCalls = toolCalls !== undefined && toolCalls.length > 0;
  const resolvedContent = content !== undefined ? content : hasToolCalls ? null : 'Hello!';
  const message: OpenAIChatCompletion['choices'][number]['message'] = {
    role: 'assistant',
    content: resolvedContent,
    refusal: null,
  };
  if (hasToolCalls) {
    message.tool_calls = toolCalls.map(
      (toolCall): OpenAIToolCall => ({
        id: toolCall.id,
        type: 'function',
        function: { name: toolCall.name, arguments: toolCall.arguments },
      }),
    );
  }
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason ?? (hasToolCalls ? 'tool_calls' : 'stop') }],
    usage: usage ?? openaiUsage({ promptTokens: 5, completionTokens: countWords(resolvedContent ?? '') }),
    system_fingerprint: systemFingerprint,
  };
}

export interface OpenAIChunksOptions {
  model?: string;
  id?: string;
  created?: number;
  /** Content pieces, one chunk each. */
  content?: string[];
  /** Streamed as OpenAI does: a first delta with index, id, type and name, then argument pieces. */
  toolCalls?: Array<{ id: string; name: string; argumentPieces: string[] }>;
  /** Default `'tool_calls'` when `toolCalls` are given, otherwise `'stop'`. */
  finishReason?: string;
  /**
   * A `Usage` adds a final `choices: []` chunk carrying it and `usage: null` on every other chunk (what
   * OpenAI sends with `stream_options.include_usage`). `null` puts `usage: null` on every chunk without
   * a usage chunk. Absent: no `usage` field at all.
   */
  usage?: Usage | null;
}

/** The chunk objects of a streamed chat completion, ready for `{ kind: 'sse', events }`. */
export function openaiChunks({
  model = defaultModel,
  id = 'chatcmpl-fake',
  created = nowInSeconds(),
  content = [],
  toolCalls = [],
  finishReason,
  usage,
}: OpenAIChunksOptions = {}): OpenAIChatCompletionChunk[] {
  const chunk = (delta: OpenAIChunkDelta, chunkFinishReason: string | null = null): OpenAIChatCompletionChunk => {
    const built: OpenAIChatCompletionChunk = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: systemFingerprint,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: chunkFinishReason }],
    };
    if (usage !== undefined) built.usage = null;
    return built;
  };
  const hasToolCalls = toolCalls.length > 0;
  const chunks: OpenAIChatCompletionChunk[] = [
    chunk({ role: 'assistant', content: content.length === 0 && hasToolCalls ? null : '' }),
  ];
  for (const piece of content) chunks.push(chunk({ content: piece }));
  toolCalls.forEach((toolCall, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } }],
      }),
    );
    for (const piece of toolCall.argumentPieces) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, finishReason ?? (hasToolCalls ? 'tool_calls' : 'stop')));
  if (usage !== undefined && usage !== null) {
    chunks.push({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      system_fingerprint: systemFingerprint,
      choices: [],
      usage,
    });
  }
  return chunks;
}

/**
 * Default OpenAI error `type` for an HTTP status, as OpenAI itself labels them: `requests` for 429
 * (rate limit on requests), `server_error` for 5xx, `invalid_request_error` otherwise (401 included).
 */
export function openaiErrorType(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** The body of an OpenAI error: `{"error":{"message","type","param","code"}}`. */
export function openaiError({
  message,
  type = 'invalid_request_error',
  param = null,
  code = null,
}: {
  message: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}
