import type { Usage } from './usage.js';

/** Why generation stopped, in the canonical (OpenAI) vocabulary. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface ToolCall {
  id: string;
  type: 'function' | (string & {});
  function: { name: string; arguments: string };
  [key: string]: unknown;
}

export interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string | null;
  tool_calls?: ToolCall[];
  [key: string]: unknown;
}

/** The canonical non-streaming response: an OpenAI `chat.completion`, unknown fields kept. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: AssistantMessage;
    finish_reason: FinishReason | null;
    logprobs?: unknown;
    [key: string]: unknown;
  }>;
  usage?: Usage | null;
  [key: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function' | (string & {});
  function?: { name?: string; arguments?: string };
  [key: string]: unknown;
}

/** The canonical stream chunk: an OpenAI `chat.completion.chunk`, unknown fields kept. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      refusal?: string | null;
      tool_calls?: ToolCallDelta[];
      [key: string]: unknown;
    };
    finish_reason: FinishReason | null;
    logprobs?: unknown;
    [key: string]: unknown;
  }>;
  usage?: Usage | null;
  [key: string]: unknown;
}

/** The canonical embeddings response (OpenAI shape). `embedding` is a base64 string when asked for. */
export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string; [key: string]: unknown }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number; [key: string]: unknown };
  [key: string]: unknown;
}

/** One entry of `GET /v1/models`. */
export interface ModelEntry {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}
