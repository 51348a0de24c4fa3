import { randomUUID } from 'node:crypto';
import {
  type ChatCall,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatRequest,
  type ChatResult,
  chunkPart,
  type EmbeddingCall,
  type EmbeddingResponse,
  type EmbeddingResult,
  invalidRequest,
  JsonPayload,
  type ProviderV1,
  type StreamPart,
  type StreamResult,
  type Usage,
} from '@switchyard/spec';
import { abortableDelay } from './abortable-delay.js';
import { lastUserText, messageText } from './message-text.js';
import { embeddingInputs, embeddingVector, encodeFloat32Base64 } from './mock-embedding.js';
import { errorModelStatus, scriptedError, streamTruncatedError, unknownModelError } from './mock-errors.js';
import { splitArguments, toolCallArguments } from './tool-call-arguments.js';
import { countWords, splitWords } from './word-count.js';

export interface MockProviderOptions {
  /** The provider id used in model names (`mock` in `mock/echo`). */
  id?: string;
  /** Fixed-reply models: `{ greeter: 'Hi there!' }` adds the model `greeter`; a `fixed` key changes `fixed`. */
  replies?: Readonly<Record<string, string>>;
  /** Milliseconds between stream chunks (0: as fast as possible). */
  chunkDelayMs?: number;
}

/** What the `fixed` model answers unless `replies.fixed` says otherwise. */
export const defaultFixedReply = 'Hello! This is the Switchyard mock provider, answering offline.';

/** What the `break` model streams (its first two words) before failing. */
const breakReply = 'This stream breaks after two chunks.';

const noToolsReply = 'The tool model calls the first tool of the request, but the request offered no tools.';

/** Dimension of embeddings when the request does not ask for one. */
export const defaultEmbeddingDimensions = 8;
const maximumEmbeddingDimensions = 8192;

const builtInModels = ['echo', 'fixed', 'tool', 'error-429', 'error-500', 'break'] as const;
/** Names `replies` may not take: they have a behaviour of their own. */
const reservedModels = new Set(['echo', 'tool', 'break']);

type Reply = { type: 'text'; text: string } | { type: 'tool-call'; name: string; argumentsText: string } | { type: 'break' };

interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

function validateOptions(id: unknown, replies: unknown, chunkDelayMs: unknown): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new TypeError('createMockProvider: `id` must be a non-empty string.');
  }
  if (typeof chunkDelayMs !== 'number' || !Number.isFinite(chunkDelayMs) || chunkDelayMs < 0) {
    throw new TypeError('createMockProvider: `chunkDelayMs` must be a finite number of milliseconds, 0 or more.');
  }
  if (typeof replies !== 'object' || replies === null || Array.isArray(replies)) {
    throw new TypeError('createMockProvider: `replies` must be an object mapping model names to reply texts.');
  }
  for (const [name, text] of Object.entries(replies)) {
    if (name.length === 0) throw new TypeError('createMockProvider: a `replies` model name is empty.');
    if (reservedModels.has(name) || name.startsWith('error-')) {
      throw new TypeError(`createMockProvider: \`replies\` cannot redefine the built-in model "${name}".`);
    }
    if (typeof text !== 'string') {
      throw new TypeError(`createMockProvider: the reply for model "${name}" must be a string.`);
    }
  }
}

function usageOf(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function promptTokens(request: ChatRequest): number {
  let total = 0;
  for (const message of request.messages) total += countWords(messageText(message));
  return total;
}

function newIdentity(model: string): ResponseIdentity {
  return {
    id: `chatcmpl-mock-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

function toolCallId(): string {
  return `call_mock_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

function chunkOf(identity: ResponseIdentity, choices: ChatCompletionChunk['choices']): ChatCompletionChunk {
  return {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    system_fingerprint: 'fp_mock',
    choices,
  };
}

/**
 * An offline provider for first steps and for tests: no network, deterministic answers and usage, and
 * scripted failures. Models: `echo`, `fixed` (plus one per `replies` entry), `tool`, `error-<status>`,
 * `break`. Responses and chunks are exact OpenAI shapes.
 */
export function createMockProvider({ id = 'mock', replies = {}, chunkDelayMs = 0 }: MockProviderOptions = {}): ProviderV1 {
  validateOptions(id, replies, chunkDelayMs);
  const fixedReplies = new Map<string, string>([['fixed', defaultFixedReply], ...Object.entries(replies)]);
  const models: readonly string[] = Object.freeze([
    ...builtInModels,
    ...[...fixedReplies.keys()].filter((name) => name !== 'fixed'),
  ]);

  /** Decides the answer, or throws the model's scripted error. */
  function replyFor(model: string, request: ChatRequest): Reply {
    const fixed = fixedReplies.get(model);
    if (fixed !== undefined) return { type: 'text', text: fixed };
    if (model === 'echo') return { type: 'text', text: `echo: ${lastUserText(request.messages)}` };
    if (model === 'break') return { type: 'break' };
    if (model === 'tool') {
      const tool = request.tools?.[0];
      const name = tool?.function?.name;
      if (tool === undefined || name === undefined) return { type: 'text', text: noToolsReply };
      return { type: 'tool-call', name, argumentsText: toolCallArguments(tool) };
    }
    const status = errorModelStatus(model);
    if (status !== undefined) throw scriptedError(id, model, status);
    throw unknownModelError(id, model, models);
  }

  function completion(identity: ResponseIdentity, reply: Reply, request: ChatRequest): ChatCompletion {
    const prompt = promptTokens(request);
    if (reply.type === 'tool-call') {
      return {
        id: identity.id,
        object: 'chat.completion',
        created: identity.created,
        model: identity.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [
                { id: toolCallId(), type: 'function', function: { name: reply.name, arguments: reply.argumentsText } },
              ],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
        usage: usageOf(prompt, splitArguments(reply.argumentsText).length),
        system_fingerprint: 'fp_mock',
      };
    }
    const text = reply.type === 'text' ? reply.text : breakReply;
    return {
      id: identity.id,
      object: 'chat.completion',
      created: identity.created,
      model: identity.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: usageOf(prompt, countWords(text)),
      system_fingerprint: 'fp_mock',
    };
  }

  /** Every chunk of the stream, in order: role, content (or tool call), finish, usage. */
  function streamChunks(identity: ResponseIdentity, reply: Reply, request: ChatRequest): ChatCompletionChunk[] {
    const prompt = promptTokens(request);
    if (reply.type === 'tool-call') {
      const pieces = splitArguments(reply.argumentsText);
      return [
        chunkOf(identity, [
          {
            index: 0,
            delta: {
              role: 'assistant',
              content: null,
              tool_calls: [{ index: 0, id: toolCallId(), type: 'function', function: { name: reply.name, arguments: '' } }],
            },
            logprobs: null,
            finish_reason: null,
          },
        ]),
        ...pieces.map((piece) =>
          chunkOf(identity, [
            {
              index: 0,
              delta: { tool_calls: [{ index: 0, function: { arguments: piece } }] },
              logprobs: null,
              finish_reason: null,
            },
          ]),
        ),
        chunkOf(identity, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'tool_calls' }]),
        { ...chunkOf(identity, []), usage: usageOf(prompt, pieces.length) },
      ];
    }
    const text = reply.type === 'text' ? reply.text : breakReply;
    const words = splitWords(text);
    const contentChunks = words.map((word) =>
      chunkOf(identity, [{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }]),
    );
    const roleChunk = chunkOf(identity, [
      { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
    ]);
    if (reply.type === 'break') return [roleChunk, ...contentChunks.slice(0, 2)];
    return [
      roleChunk,
      ...contentChunks,
      chunkOf(identity, [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
      { ...chunkOf(identity, []), usage: usageOf(prompt, countWords(text)) },
    ];
  }

  async function* streamParts(chunks: ChatCompletionChunk[], breaks: boolean, signal: AbortSignal): AsyncGenerator<StreamPart> {
    for (const [index, chunk] of chunks.entries()) {
      await abortableDelay(index === 0 ? 0 : chunkDelayMs, signal);
      yield chunkPart(JsonPayload.fromValue(chunk));
    }
    if (breaks) {
      await abortableDelay(chunkDelayMs, signal);
      throw streamTruncatedError(id);
    }
  }

  return {
    specificationVersion: 'v1',
    id,
    models,

    async chat({ model, request, signal }: ChatCall): Promise<ChatResult> {
      if (signal.aborted) throw signal.reason;
      const reply = replyFor(model, request);
      if (reply.type === 'break') throw streamTruncatedError(id);
      return { body: JsonPayload.fromValue(completion(newIdentity(model), reply, request)), upstream: { status: 200 } };
    },

    async streamChat({ model, request, signal }: ChatCall): Promise<StreamResult> {
      if (signal.aborted) throw signal.reason;
      const reply = replyFor(model, request);
      const chunks = streamChunks(newIdentity(model), reply, request);
      return { parts: streamParts(chunks, reply.type === 'break', signal), upstream: { status: 200 } };
    },

    async embed({ model, request, signal }: EmbeddingCall): Promise<EmbeddingResult> {
      if (signal.aborted) throw signal.reason;
      const status = errorModelStatus(model);
      if (status !== undefined) throw scriptedError(id, model, status);
      const dimensions = request.dimensions ?? defaultEmbeddingDimensions;
      if (dimensions > maximumEmbeddingDimensions) {
        throw invalidRequest(`The mock provider makes embeddings of at most ${maximumEmbeddingDimensions} dimensions.`, {
          param: 'dimensions',
          code: 'invalid_value',
        });
      }
      const inputs = embeddingInputs(request.input);
      const tokens = inputs.reduce((sum, text) => sum + countWords(text), 0);
      const body: EmbeddingResponse = {
        object: 'list',
        data: inputs.map((text, index) => {
          const vector = embeddingVector(text, dimensions);
          return {
            object: 'embedding',
            index,
            embedding: request.encoding_format === 'base64' ? encodeFloat32Base64(vector) : vector,
          };
        }),
        model,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      };
      return { body: JsonPayload.fromValue(body), upstream: { status: 200 } };
    },

    async close() {},
  };
}
