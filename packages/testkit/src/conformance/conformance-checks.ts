/**
 * The checks of the provider conformance kit. Each one scripts the fake upstream in its own wire format,
 * calls the provider through the `ProviderV1` contract and asserts on the canonical result. They are plain
 * async functions (vitest's `expect` only), so they can also be run one by one against a provider.
 */
import { expect } from 'vitest';
import {
  collectStream,
  eventually,
  expectGatewayError,
  failureOf,
  isRecord,
  parseArguments,
  type ReadAnswer,
  readCompletion,
  reassembleStream,
  settleWithin,
  splitText,
} from './provider-results.js';
import type {
  ConformanceCall,
  ConformanceChatRequest,
  ConformanceCheck,
  ConformanceContext,
  ConformanceToolCall,
  ConformanceUsage,
  ProviderConformanceOptions,
} from './types.js';

/** Text with CJK and emoji, so multi-byte characters cross stream events. */
export const conformanceTextPieces: readonly string[] = ['Hello', ', 世界', ' 👋🏽', ' — done', '!'];
export const conformanceUsage: ConformanceUsage = { promptTokens: 13, completionTokens: 21 };

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The weather for a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string' }, days: { type: 'integer' } },
        required: ['city'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'The local time in a time zone.',
      parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
    },
  },
];

function toolCall(id: string, name: string, argumentsObject: Record<string, unknown>): ConformanceToolCall {
  return { id, name, arguments: argumentsObject, argumentPieces: splitText(JSON.stringify(argumentsObject), 3) };
}

const weatherCall = toolCall('call_conformance_weather', 'get_weather', { city: 'Zürich', unit: 'celsius', days: 3 });
const timeCall = toolCall('call_conformance_time', 'get_time', { timezone: 'Asia/Tokyo' });

const defaultAbortDeadlineMs = 1000;
/** How long the upstream may take to notice that the client left. */
const upstreamAbortDeadlineMs = 2000;

let requestCounter = 0;

function chatCall<TScripted>(
  context: ConformanceContext<TScripted>,
  request: Partial<ConformanceChatRequest> = {},
  signal: AbortSignal = new AbortController().signal,
): ConformanceCall<ConformanceChatRequest> {
  requestCounter += 1;
  const { model } = context.options;
  return {
    model,
    request: { model: `conformance/${model}`, messages: [{ role: 'user', content: 'Say hello.' }], ...request },
    signal,
    requestId: `conformance-${requestCounter}`,
  };
}

async function chatAnswer<TScripted>(context: ConformanceContext<TScripted>, request?: Partial<ConformanceChatRequest>) {
  const { body } = await context.provider.chat(chatCall(context, request));
  return readCompletion(body.value);
}

async function streamAnswer<TScripted>(context: ConformanceContext<TScripted>, request?: Partial<ConformanceChatRequest>) {
  const collected = await collectStream(() => context.provider.streamChat(chatCall(context, { stream: true, ...request })));
  if (collected.failed) {
    const error = collected.error;
    throw new Error(`Provider conformance: the stream failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { ...reassembleStream(collected.chunks), chunks: collected.chunks };
}

function expectExactUsage(usage: ReadAnswer['usage'], expected: ConformanceUsage, where: string): void {
  expect(usage, `${where}: usage is missing`).toBeDefined();
  expect(
    { prompt_tokens: usage?.prompt_tokens, completion_tokens: usage?.completion_tokens, total_tokens: usage?.total_tokens },
    `${where}: usage is not the upstream's, exactly`,
  ).toEqual({
    prompt_tokens: expected.promptTokens,
    completion_tokens: expected.completionTokens,
    total_tokens: expected.promptTokens + expected.completionTokens,
  });
}

/** Scripts a tool-call answer both ways and checks the stream reassembles into the non-stream calls. */
async function checkToolCalls<TScripted>(context: ConformanceContext<TScripted>, calls: readonly ConformanceToolCall[]) {
  const text = ['Let me check', ' that.'];
  const pair = context.options.scripts.toolCalls({ text, calls, usage: conformanceUsage });
  const request = { tools, tool_choice: 'auto' };
  context.upstream.script(pair.complete);
  const complete = await chatAnswer(context, request);
  context.upstream.script(pair.stream);
  const streamed = await streamAnswer(context, request);

  expect(complete.finishReason, 'non-stream finish_reason').toBe('tool_calls');
  expect(streamed.finishReason, 'stream finish_reason').toBe('tool_calls');
  expect(complete.content, 'non-stream content before the tool calls').toBe(text.join(''));
  expect(streamed.content, 'streamed content before the tool calls').toBe(text.join(''));
  expect(
    streamed.toolCallIndexes,
    'streamed tool call indexes must count tool calls only (0, 1, …), whatever content came first',
  ).toEqual(calls.map((_, index) => index));
  expect(
    complete.toolCalls.map(({ id, name }) => ({ id, name })),
    'non-stream tool call ids and names',
  ).toEqual(calls.map(({ id, name }) => ({ id, name })));
  expect(
    streamed.toolCalls.map(({ id, name }) => ({ id, name })),
    'streamed tool call ids and names',
  ).toEqual(calls.map(({ id, name }) => ({ id, name })));
  calls.forEach((call, index) => {
    const completeArguments = parseArguments(complete.toolCalls[index]?.arguments ?? '', `non-stream tool call ${index}`);
    const streamedArguments = parseArguments(streamed.toolCalls[index]?.arguments ?? '', `streamed tool call ${index}`);
    expect(completeArguments, `non-stream tool call ${index} arguments`).toEqual(call.arguments);
    expect(streamedArguments, `streamed tool call ${index} arguments must equal the non-stream ones`).toEqual(completeArguments);
  });
}

/** The probe request fields and values of `unknownFieldsForwarded`. */
export function forwardedFieldValues(fields: readonly string[] | Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (Array.isArray(fields)) return Object.fromEntries(fields.map((field: string) => [field, `conformance-probe-${field}`]));
  return { ...(fields as Readonly<Record<string, unknown>>) };
}

type CallKind = 'chat' | 'streamChat';

/** Scripts an HTTP error and returns what `chat` / `streamChat` (or its iteration) threw, as a GatewayError. */
async function mappedError<TScripted>(
  context: ConformanceContext<TScripted>,
  kind: CallKind,
  input: { status: number; message: string; headers?: Record<string, string> },
) {
  context.upstream.script(context.options.scripts.error({ headers: {}, ...input }));
  const what = `${kind}() against an upstream ${input.status}`;
  if (kind === 'chat') {
    return expectGatewayError(await failureOf(() => context.provider.chat(chatCall(context)), what), what);
  }
  const collected = await collectStream(() => context.provider.streamChat(chatCall(context, { stream: true })));
  expect(collected.failed, `${what} must not end cleanly`).toBe(true);
  return expectGatewayError(collected.error, what);
}

async function checkErrorStatus<TScripted>(
  context: ConformanceContext<TScripted>,
  { status, retryable, headers }: { status: number; retryable: boolean; headers?: Record<string, string> },
): Promise<void> {
  for (const kind of ['chat', 'streamChat'] as const) {
    const message = `Conformance upstream error ${status} (${kind}): please try later`;
    const error = await mappedError(context, kind, { status, message, headers });
    expect(error.status, `${kind}: the GatewayError status must be the upstream's`).toBe(status);
    expect(error.retryable, `${kind}: retryable for an upstream ${status}`).toBe(retryable);
    expect(error.message, `${kind}: the upstream's message must be kept`).toContain(message);
    for (const [name, value] of Object.entries(headers ?? {})) {
      expect(isRecord(error.headers) ? error.headers[name] : undefined, `${kind}: the ${name} header must be kept`).toBe(value);
    }
  }
}

function skipUnless(condition: boolean, reason: string): string | undefined {
  return condition ? undefined : reason;
}

/** Reads a stream part by part; used by the abort check to abort mid-way. */
async function abortMidStream<TScripted>(context: ConformanceContext<TScripted>, deadlineMs: number) {
  const controller = new AbortController();
  const { parts } = await context.provider.streamChat(chatCall(context, { stream: true }, controller.signal));
  const iterator = parts[Symbol.asyncIterator]();
  const first = await settleWithin(iterator.next(), upstreamAbortDeadlineMs);
  expect(first.state === 'resolved' && first.value.done !== true, 'the stalled stream must deliver its first part').toBe(true);
  const abortedAt = Date.now();
  controller.abort(new Error('conformance abort'));
  // Parts already received may still come out; after them the iteration must settle (not hang).
  const drained = (async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return 'ended' as const;
    }
  })();
  const settled = await settleWithin(drained, deadlineMs);
  return { settled, elapsedMs: Date.now() - abortedAt };
}

async function expectUpstreamNoticedAbort<TScripted>(context: ConformanceContext<TScripted>, rejected: boolean, before: number) {
  const { upstream } = context;
  if (typeof upstream.aborts === 'number') {
    const noticed = await eventually(() => (upstream.aborts ?? 0) > before, upstreamAbortDeadlineMs);
    expect(noticed, 'the upstream must see the client go away after the abort').toBe(true);
  } else {
    expect(rejected, 'an aborted call must reject').toBe(true);
  }
}

/** Every check, in the order `defineProviderConformance` registers them. */
export const providerConformanceChecks: readonly ConformanceCheck[] = [
  {
    id: 'stream-equivalence',
    title: 'streamed content deltas concatenate to the non-stream content, with the same finish reason',
    skipReason: () => undefined,
    async run(context) {
      const pair = context.options.scripts.text({ pieces: conformanceTextPieces, usage: conformanceUsage });
      context.upstream.script(pair.complete);
      const complete = await chatAnswer(context);
      context.upstream.script(pair.stream);
      const streamed = await streamAnswer(context);
      expect(complete.content, 'non-stream content').toBe(conformanceTextPieces.join(''));
      expect(streamed.content, 'concatenated streamed content must equal the non-stream content').toBe(complete.content);
      expect(complete.finishReason, 'non-stream finish_reason').toBe('stop');
      expect(streamed.finishReason, 'streamed finish_reason must equal the non-stream one').toBe(complete.finishReason);
      expect(streamed.content).not.toContain('\uFFFD');
    },
  },
  {
    id: 'usage',
    title: 'usage totals are preserved exactly, and a stream ends with its usage chunk',
    skipReason: () => undefined,
    async run(context) {
      const pair = context.options.scripts.text({ pieces: conformanceTextPieces, usage: conformanceUsage });
      context.upstream.script(pair.complete);
      const complete = await chatAnswer(context);
      context.upstream.script(pair.stream);
      const streamed = await streamAnswer(context);
      expectExactUsage(complete.usage, conformanceUsage, 'chat()');
      const last = streamed.chunks.at(-1);
      expect(last?.usage, 'the last stream chunk must carry the usage').toBeTruthy();
      expectExactUsage(streamed.usage, conformanceUsage, 'streamChat()');
    },
  },
  {
    id: 'tool-call-reassembly',
    title: 'a streamed tool call reassembles into valid JSON arguments equal to the non-stream call (ids and names kept)',
    skipReason: (options) => skipUnless(options.capabilities.tools, 'capabilities.tools is false'),
    run: (context) => checkToolCalls(context, [weatherCall]),
  },
  {
    id: 'parallel-tool-calls',
    title: 'parallel tool calls keep their order, ids, names and arguments, indexed 0, 1, …',
    skipReason: (options) =>
      skipUnless(options.capabilities.tools && options.capabilities.parallelToolCalls, 'capabilities.parallelToolCalls is false'),
    run: (context) => checkToolCalls(context, [weatherCall, timeCall]),
  },
  {
    id: 'unknown-fields-forwarded',
    title: 'request fields the provider claims to forward reach the upstream unchanged',
    skipReason: (options) => skipUnless(options.unknownFieldsForwarded !== undefined, 'unknownFieldsForwarded is not set'),
    async run(context) {
      const fields = forwardedFieldValues(context.options.unknownFieldsForwarded ?? []);
      expect(Object.keys(fields).length, 'unknownFieldsForwarded lists no field').toBeGreaterThan(0);
      const pair = context.options.scripts.text({ pieces: conformanceTextPieces, usage: conformanceUsage });
      context.upstream.script(pair.complete);
      await chatAnswer(context, fields);
      const completeBody = context.upstream.lastRequest()?.body;
      context.upstream.script(pair.stream);
      await streamAnswer(context, fields);
      const streamBody = context.upstream.lastRequest()?.body;
      for (const [kind, body] of [
        ['chat', completeBody],
        ['streamChat', streamBody],
      ] as const) {
        expect(isRecord(body), `${kind}: the upstream body must be a JSON object`).toBe(true);
        for (const [field, value] of Object.entries(fields)) {
          expect(isRecord(body) ? body[field] : undefined, `${kind}: request field "${field}" must be forwarded`).toEqual(value);
        }
      }
    },
  },
  {
    id: 'error-rate-limit',
    title: 'an upstream 429 becomes a retryable GatewayError that keeps retry-after and the message',
    skipReason: () => undefined,
    run: (context) => checkErrorStatus(context, { status: 429, retryable: true, headers: { 'retry-after': '7' } }),
  },
  {
    id: 'error-bad-request',
    title: 'an upstream 400 becomes a non-retryable GatewayError that keeps the message',
    skipReason: () => undefined,
    run: (context) => checkErrorStatus(context, { status: 400, retryable: false }),
  },
  {
    id: 'error-server',
    title: 'an upstream 500 becomes a retryable GatewayError that keeps the message',
    skipReason: () => undefined,
    run: (context) => checkErrorStatus(context, { status: 500, retryable: true }),
  },
  {
    id: 'error-secrets',
    title: 'an upstream error (HTTP or in-band) quoting the API key does not leak it',
    skipReason: () => undefined,
    async run(context) {
      for (const kind of ['chat', 'streamChat'] as const) {
        const message = `Incorrect API key provided: ${context.apiKey}. Check your key`;
        const error = await mappedError(context, kind, { status: 400, message });
        const exposed = JSON.stringify({
          message: error.message,
          string: String(error),
          code: error.code,
          param: error.param,
          headers: error.headers,
          upstreamType: error.upstreamType,
        });
        expect(exposed, `${kind}: the API key must not appear in the error`).not.toContain(context.apiKey);
        expect(error.message, `${kind}: the rest of the message must be kept`).toContain('Incorrect API key provided');
      }
      const inBand = context.options.scripts.inBandStreamError;
      if (inBand === undefined) return;
      context.upstream.script(inBand({ message: `Key ${context.apiKey} was revoked mid-stream` }));
      const collected = await collectStream(() => context.provider.streamChat(chatCall(context, { stream: true })));
      const error = expectGatewayError(collected.error, 'an in-band stream error quoting the API key');
      const exposed = JSON.stringify({ message: error.message, string: String(error), headers: error.headers });
      expect(exposed, 'in-band error: the API key must not appear in the error').not.toContain(context.apiKey);
    },
  },
  {
    id: 'stream-connection-reset',
    title: 'a stream whose connection is cut before completion throws a GatewayError, never a clean end',
    skipReason: () => undefined,
    async run(context) {
      context.upstream.script(
        context.options.scripts.truncatedStream({ pieces: conformanceTextPieces, ending: 'connection-reset' }),
      );
      const collected = await collectStream(() => context.provider.streamChat(chatCall(context, { stream: true })));
      expect(collected.failed, 'a cut stream must not end cleanly').toBe(true);
      expectGatewayError(collected.error, 'a stream cut before completion');
    },
  },
  {
    id: 'stream-body-ended',
    title: 'a stream whose body ends before any finish reason throws a GatewayError, never a clean end',
    skipReason: () => undefined,
    async run(context) {
      context.upstream.script(context.options.scripts.truncatedStream({ pieces: conformanceTextPieces, ending: 'body-ended' }));
      const collected = await collectStream(() => context.provider.streamChat(chatCall(context, { stream: true })));
      expect(collected.failed, 'a stream without its finish must not end cleanly').toBe(true);
      expectGatewayError(collected.error, 'a stream that ended before completion');
    },
  },
  {
    id: 'in-band-error',
    title: 'an in-band error as the first stream event throws a GatewayError with its message',
    skipReason: (options) => skipUnless(options.scripts.inBandStreamError !== undefined, 'scripts.inBandStreamError is not set'),
    async run(context) {
      const script = context.options.scripts.inBandStreamError;
      if (script === undefined) throw new Error('scripts.inBandStreamError is not set');
      const message = 'Conformance in-band failure: the model is overloaded';
      context.upstream.script(script({ message }));
      const collected = await collectStream(() => context.provider.streamChat(chatCall(context, { stream: true })));
      expect(collected.failed, 'an in-band error must not end the stream cleanly').toBe(true);
      const error = expectGatewayError(collected.error, 'an in-band stream error');
      expect(error.message, 'the in-band message must be kept').toContain(message);
      expect(collected.chunks, 'no chunk may precede an in-band error sent as the first event').toEqual([]);
    },
  },
  {
    id: 'abort-stream',
    title: 'aborting the signal mid-stream settles the iteration promptly and stops the upstream',
    skipReason: () => undefined,
    async run(context) {
      const deadlineMs = context.options.abortDeadlineMs ?? defaultAbortDeadlineMs;
      const before = context.upstream.aborts ?? 0;
      context.upstream.script(context.options.scripts.stalledStream({ pieces: conformanceTextPieces }));
      const { settled, elapsedMs } = await abortMidStream(context, deadlineMs);
      expect(settled.state, `the stream must settle within ${deadlineMs} ms of the abort (took ${elapsedMs} ms)`).not.toBe(
        'pending',
      );
      await expectUpstreamNoticedAbort(context, settled.state === 'rejected', before);
    },
  },
  {
    id: 'abort-chat',
    title: 'aborting the signal of a waiting chat() rejects promptly and stops the upstream',
    skipReason: () => undefined,
    async run(context) {
      const deadlineMs = context.options.abortDeadlineMs ?? defaultAbortDeadlineMs;
      const before = context.upstream.aborts ?? 0;
      const previousRequest = context.upstream.lastRequest();
      context.upstream.script(context.options.scripts.hang());
      const controller = new AbortController();
      const pending = context.provider.chat(chatCall(context, {}, controller.signal));
      pending.catch(() => undefined);
      const arrived = await eventually(() => context.upstream.lastRequest() !== previousRequest, upstreamAbortDeadlineMs);
      expect(arrived, 'the request must reach the upstream').toBe(true);
      controller.abort(new Error('conformance abort'));
      const settled = await settleWithin(pending, deadlineMs);
      expect(settled.state, `chat() must reject within ${deadlineMs} ms of the abort`).toBe('rejected');
      await expectUpstreamNoticedAbort(context, true, before);
    },
  },
  {
    id: 'embeddings',
    title: 'embed() returns one vector per input, in input order, in the OpenAI list shape',
    skipReason: (options) => skipUnless(options.capabilities.embeddings, 'capabilities.embeddings is false'),
    async run(context) {
      const { provider, options } = context;
      expect(typeof provider.embed, 'capabilities.embeddings is true but the provider has no embed()').toBe('function');
      const model = options.embeddingModel ?? options.model;
      const input = ['alpha', 'beta', 'alpha'];
      const dimensions = 4;
      const result = await provider.embed?.({
        model,
        request: { model: `conformance/${model}`, input, encoding_format: 'float', dimensions },
        signal: new AbortController().signal,
        requestId: 'conformance-embeddings',
      });
      const value = result?.body.value;
      expect(isRecord(value) && value.object, 'the embeddings body must be an OpenAI list').toBe('list');
      const data = isRecord(value) && Array.isArray(value.data) ? (value.data as unknown[]) : [];
      expect(data.length, 'one embedding per input').toBe(input.length);
      const vectors = data.map((entry, position) => {
        expect(isRecord(entry) && entry.index, `data[${position}].index`).toBe(position);
        const vector = isRecord(entry) ? entry.embedding : undefined;
        expect(Array.isArray(vector), `data[${position}].embedding must be a number array for encoding_format float`).toBe(true);
        const numbers = Array.isArray(vector) ? (vector as unknown[]) : [];
        expect(numbers.length, `data[${position}] must have the requested dimensions`).toBe(dimensions);
        expect(
          numbers.every((number) => typeof number === 'number' && Number.isFinite(number)),
          `data[${position}] must hold finite numbers`,
        ).toBe(true);
        return numbers;
      });
      expect(vectors[0], 'equal inputs must get equal vectors (input order kept)').toEqual(vectors[2]);
      expect(vectors[0], 'different inputs must get different vectors (input order kept)').not.toEqual(vectors[1]);
      const usage = isRecord(value) ? value.usage : undefined;
      expect(isRecord(usage) && typeof usage.prompt_tokens === 'number' && typeof usage.total_tokens === 'number').toBe(true);
    },
  },
];

/** The checks that run for these options, and the skipped ones with their reason. */
export function planConformanceChecks<TScripted>(
  options: ProviderConformanceOptions<TScripted>,
): Array<{ check: ConformanceCheck; skipReason: string | undefined }> {
  return providerConformanceChecks.map((check) => ({ check, skipReason: check.skipReason(options) }));
}
