/**
 * Reads what a provider returned (canonical OpenAI shapes) defensively, and settles calls with deadlines.
 * Every reader fails with a message naming what was wrong, so a conformance failure is self-explaining.
 */
import type { ConformanceStreamPart } from './types.js';

export interface ReadToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ReadUsage {
  prompt_tokens: unknown;
  completion_tokens: unknown;
  total_tokens: unknown;
}

/** The parts of an answer (streamed or not) the checks compare. */
export interface ReadAnswer {
  content: string;
  finishReason: unknown;
  toolCalls: ReadToolCall[];
  usage: ReadUsage | undefined;
}

export type RecordLike = Record<string, unknown>;

export function isRecord(value: unknown): value is RecordLike {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new Error(`Provider conformance: ${message}`);
}

function readUsage(value: unknown, where: string): ReadUsage | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) fail(`${where} usage is not an object: ${JSON.stringify(value)}`);
  return { prompt_tokens: value.prompt_tokens, completion_tokens: value.completion_tokens, total_tokens: value.total_tokens };
}

/** Reads choice 0 of a canonical `chat.completion`. */
export function readCompletion(value: unknown): ReadAnswer {
  if (!isRecord(value) || value.object !== 'chat.completion') {
    fail(`chat() did not return a chat.completion: ${JSON.stringify(value)}`);
  }
  const choices = Array.isArray(value.choices) ? value.choices : [];
  const choice: unknown = choices.find((candidate: unknown) => isRecord(candidate) && candidate.index === 0);
  if (!isRecord(choice) || !isRecord(choice.message))
    fail(`chat.completion has no choice 0 with a message: ${JSON.stringify(value)}`);
  const { message } = choice;
  const content = message.content;
  if (content !== null && content !== undefined && typeof content !== 'string')
    fail(`message.content is not a string: ${content}`);
  const rawToolCalls = message.tool_calls === undefined || message.tool_calls === null ? [] : message.tool_calls;
  if (!Array.isArray(rawToolCalls)) fail(`message.tool_calls is not an array: ${JSON.stringify(rawToolCalls)}`);
  const toolCalls = rawToolCalls.map((toolCall: unknown, position): ReadToolCall => {
    if (!isRecord(toolCall) || !isRecord(toolCall.function)) fail(`tool_calls[${position}] has no function`);
    const { id } = toolCall;
    const { name, arguments: argumentsText } = toolCall.function;
    if (typeof id !== 'string' || typeof name !== 'string' || typeof argumentsText !== 'string') {
      fail(`tool_calls[${position}] lacks a string id, name or arguments: ${JSON.stringify(toolCall)}`);
    }
    return { id, name, arguments: argumentsText };
  });
  return {
    content: content ?? '',
    finishReason: choice.finish_reason,
    toolCalls,
    usage: readUsage(value.usage, 'chat.completion'),
  };
}

/** What a stream delivered before it ended or failed. */
export interface CollectedStream {
  chunks: RecordLike[];
  /** What `streamChat()` or the iteration threw; `undefined` for a clean end. */
  error: unknown;
  failed: boolean;
}

/** Calls `streamChat` and drains the parts, capturing a failure from either the call or the iteration. */
export async function collectStream(
  start: () => Promise<{ parts: AsyncIterable<ConformanceStreamPart> }>,
): Promise<CollectedStream> {
  const chunks: RecordLike[] = [];
  try {
    const { parts } = await start();
    for await (const part of parts) {
      const value = part.chunk.value;
      if (part.type !== 'chunk' || !isRecord(value)) fail(`a stream part is not a chunk: ${JSON.stringify(part)}`);
      chunks.push(value);
    }
  } catch (error) {
    return { chunks, error, failed: true };
  }
  return { chunks, error: undefined, failed: false };
}

interface ToolCallAssembly {
  id: string | undefined;
  name: string | undefined;
  arguments: string;
}

/**
 * Reassembles choice 0 of a canonical chunk stream: content deltas concatenated, the last finish reason,
 * tool calls grouped by their `index` (id and name from their first delta, which later deltas may only
 * repeat), and the usage of the last chunk that carries one.
 */
export function reassembleStream(chunks: readonly RecordLike[]): ReadAnswer & { toolCallIndexes: number[] } {
  let content = '';
  let finishReason: unknown = null;
  let usage: ReadUsage | undefined;
  const toolCalls = new Map<number, ToolCallAssembly>();
  chunks.forEach((chunk, position) => {
    if (chunk.object !== 'chat.completion.chunk')
      fail(`chunk ${position} is not a chat.completion.chunk: ${JSON.stringify(chunk)}`);
    usage = readUsage(chunk.usage, `chunk ${position}`) ?? usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : fail(`chunk ${position} has no choices array`);
    for (const choice of choices) {
      if (!isRecord(choice) || choice.index !== 0) continue;
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) finishReason = choice.finish_reason;
      const delta = isRecord(choice.delta) ? choice.delta : fail(`chunk ${position} has a choice without a delta`);
      if (typeof delta.content === 'string') content += delta.content;
      const deltas = delta.tool_calls === undefined || delta.tool_calls === null ? [] : delta.tool_calls;
      if (!Array.isArray(deltas)) fail(`chunk ${position} has a non-array tool_calls delta`);
      for (const toolDelta of deltas) assembleToolDelta(toolCalls, toolDelta, position);
    }
  });
  const toolCallIndexes = [...toolCalls.keys()].sort((left, right) => left - right);
  return {
    content,
    finishReason,
    usage,
    toolCallIndexes,
    toolCalls: toolCallIndexes.map((index) => {
      const assembly = toolCalls.get(index) as ToolCallAssembly;
      if (assembly.id === undefined || assembly.name === undefined)
        fail(`streamed tool call ${index} never got an id and a name`);
      return { id: assembly.id, name: assembly.name, arguments: assembly.arguments };
    }),
  };
}

function assembleToolDelta(toolCalls: Map<number, ToolCallAssembly>, toolDelta: unknown, position: number): void {
  if (!isRecord(toolDelta) || typeof toolDelta.index !== 'number') {
    fail(`chunk ${position} has a tool call delta without a numeric index: ${JSON.stringify(toolDelta)}`);
  }
  const assembly = toolCalls.get(toolDelta.index) ?? { id: undefined, name: undefined, arguments: '' };
  toolCalls.set(toolDelta.index, assembly);
  if (typeof toolDelta.id === 'string' && toolDelta.id.length > 0) {
    if (assembly.id !== undefined && assembly.id !== toolDelta.id) {
      fail(`tool call ${toolDelta.index} changed its id from ${assembly.id} to ${toolDelta.id}`);
    }
    assembly.id = toolDelta.id;
  }
  const functionDelta = isRecord(toolDelta.function) ? toolDelta.function : {};
  if (typeof functionDelta.name === 'string' && functionDelta.name.length > 0) {
    if (assembly.name !== undefined && assembly.name !== functionDelta.name) {
      fail(`tool call ${toolDelta.index} changed its name from ${assembly.name} to ${functionDelta.name}`);
    }
    assembly.name = functionDelta.name;
  }
  if (typeof functionDelta.arguments === 'string') assembly.arguments += functionDelta.arguments;
}

/** Parses tool call arguments, failing with the text when it is not a JSON object. */
export function parseArguments(text: string, where: string): RecordLike {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`${where} arguments are not valid JSON: ${JSON.stringify(text)}`);
  }
  if (!isRecord(parsed)) fail(`${where} arguments are not a JSON object: ${text}`);
  return parsed;
}

const gatewayErrorBrand = Symbol.for('switchyard.gateway-error');

/** A `GatewayError` as the kit reads it: by its brand, so errors from any copy of `@switchyard/spec` count. */
export interface GatewayErrorLike {
  message: string;
  status: unknown;
  retryable: unknown;
  code: unknown;
  param: unknown;
  headers: unknown;
  upstreamType: unknown;
}

export function isGatewayErrorLike(value: unknown): value is GatewayErrorLike & Error {
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[gatewayErrorBrand] === true;
}

/** Fails unless `value` is a GatewayError; returns it typed. */
export function expectGatewayError(value: unknown, what: string): GatewayErrorLike & Error {
  if (!isGatewayErrorLike(value)) {
    const description = value instanceof Error ? `${value.name}: ${value.message}` : JSON.stringify(value);
    fail(`${what} should fail with a GatewayError, got ${description}`);
  }
  return value;
}

/** Runs `operation`, returning what it threw; fails if it resolves. */
export async function failureOf(operation: () => Promise<unknown>, what: string): Promise<unknown> {
  try {
    await operation();
  } catch (error) {
    return error;
  }
  return fail(`${what} should have failed but succeeded`);
}

export type Settlement<T> = { state: 'resolved'; value: T } | { state: 'rejected'; error: unknown } | { state: 'pending' };

/** Waits for `promise` at most `milliseconds`; the timer is cleared either way. */
export async function settleWithin<T>(promise: Promise<T>, milliseconds: number): Promise<Settlement<T>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise<Settlement<T>>((resolve) => {
    timer = setTimeout(() => resolve({ state: 'pending' }), milliseconds);
  });
  try {
    return await Promise.race([
      promise.then(
        (value): Settlement<T> => ({ state: 'resolved', value }),
        (error: unknown): Settlement<T> => ({ state: 'rejected', error }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 10 ms until it holds or `milliseconds` pass; returns whether it held. */
export async function eventually(condition: () => boolean, milliseconds: number): Promise<boolean> {
  const deadline = Date.now() + milliseconds;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** Splits a string into `count` pieces at code point boundaries (never inside a surrogate pair). */
export function splitText(text: string, count: number): string[] {
  const codePoints = Array.from(text);
  const size = Math.max(1, Math.ceil(codePoints.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < codePoints.length; start += size) pieces.push(codePoints.slice(start, start + size).join(''));
  return pieces;
}
