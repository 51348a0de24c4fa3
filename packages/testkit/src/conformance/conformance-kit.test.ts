/**
 * The kit checked against itself: a minimal OpenAI pass-through provider (fetch only) conforms, and each
 * deliberate flaw makes the check that covers it fail.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../fake-openai.js';
import type { FakeOpenAI, ScriptedResponse } from '../types.js';
import { providerConformanceChecks } from './conformance-checks.js';
import { defaultConformanceApiKey, defineProviderConformance } from './define-provider-conformance.js';
import { openAIConformanceScripts } from './openai-conformance-scripts.js';
import { isGatewayErrorLike, reassembleStream, splitText } from './provider-results.js';
import type {
  ConformanceCheckId,
  ConformanceContext,
  ConformanceProvider,
  ConformanceStreamPart,
  ProviderConformanceOptions,
} from './types.js';

type Flaw =
  | 'drops-a-content-delta'
  | 'inflates-total-tokens'
  | 'counts-content-in-tool-indexes'
  | 'drops-unknown-fields'
  | 'never-retryable'
  | 'leaks-api-key'
  | 'swallows-stream-failures'
  | 'ignores-signal'
  | 'ignores-in-band-errors'
  | 'reverses-embeddings';

const brand = Symbol.for('switchyard.gateway-error');

class ReferenceGatewayError extends Error {
  readonly [brand] = true;
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

type JsonRecord = Record<string, unknown>;

function asRecord(value: unknown): JsonRecord {
  return typeof value === 'object' && value !== null ? (value as JsonRecord) : {};
}

/** A pass-through OpenAI provider in the fewest lines, with an optional flaw. */
function referenceProvider({ url, apiKey }: { url: string; apiKey: string }, flaw?: Flaw): ConformanceProvider {
  const redact = (text: string) => (flaw === 'leaks-api-key' ? text : text.split(apiKey).join('[redacted]'));

  async function post(path: string, body: JsonRecord, signal: AbortSignal): Promise<Response> {
    const sent = flaw === 'drops-unknown-fields' ? { model: body.model, messages: body.messages, stream: body.stream } : body;
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(sent),
      signal: flaw === 'ignores-signal' ? undefined : signal,
    });
    if (response.ok) return response;
    const error = asRecord(asRecord(await response.json()).error);
    const retryAfter = response.headers.get('retry-after');
    const retryable = flaw !== 'never-retryable' && (response.status === 429 || response.status >= 500);
    throw new ReferenceGatewayError(redact(String(error.message)), response.status, retryable, {
      ...(retryAfter === null ? {} : { 'retry-after': retryAfter }),
    });
  }

  async function* events(response: Response): AsyncGenerator<string> {
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        yield buffered.slice(0, end).replace(/^data: /, '');
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
      }
    }
  }

  async function* parts(response: Response): AsyncGenerator<ConformanceStreamPart> {
    let finished = false;
    let dropped = false;
    try {
      for await (const data of events(response)) {
        if (data === '[DONE]') break;
        const chunk = asRecord(JSON.parse(data));
        if (chunk.error !== undefined) {
          if (flaw === 'ignores-in-band-errors') continue;
          throw new ReferenceGatewayError(redact(String(asRecord(chunk.error).message)), 502, true);
        }
        finished ||= data.includes('"finish_reason":"');
        const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
        const content = asRecord(asRecord(choices[0]).delta).content;
        if (flaw === 'drops-a-content-delta' && !dropped && typeof content === 'string' && content.length > 0) {
          dropped = true;
          continue;
        }
        yield { type: 'chunk', chunk: { value: flawedChunk(chunk) } };
      }
    } catch (error) {
      if (flaw === 'swallows-stream-failures') return;
      throw error instanceof ReferenceGatewayError ? error : new ReferenceGatewayError('The stream broke.', 502, true);
    }
    if (!finished && flaw !== 'swallows-stream-failures') throw new ReferenceGatewayError('The stream was truncated.', 502, true);
  }

  function flawedChunk(chunk: JsonRecord): JsonRecord {
    const usage = asRecord(chunk.usage);
    if (flaw === 'inflates-total-tokens' && typeof usage.total_tokens === 'number') {
      return { ...chunk, usage: { ...usage, total_tokens: usage.total_tokens + 1 } };
    }
    if (flaw === 'counts-content-in-tool-indexes' && Array.isArray(chunk.choices)) {
      // Numbers tool calls as if the text before them were content block 0.
      const choices = chunk.choices.map((choice: unknown) => {
        const delta = asRecord(asRecord(choice).delta);
        if (!Array.isArray(delta.tool_calls)) return choice;
        const toolCalls = delta.tool_calls.map((toolCall: unknown) => ({
          ...asRecord(toolCall),
          index: Number(asRecord(toolCall).index) + 1,
        }));
        return { ...asRecord(choice), delta: { ...delta, tool_calls: toolCalls } };
      });
      return { ...chunk, choices };
    }
    return chunk;
  }

  return {
    async chat({ model, request, signal }) {
      const response = await post('/chat/completions', { ...request, model }, signal);
      return { body: { value: await response.json() } };
    },
    async streamChat({ model, request, signal }) {
      const response = await post('/chat/completions', { ...request, model, stream: true }, signal);
      return { parts: parts(response) };
    },
    async embed({ model, request, signal }) {
      const value = asRecord(await (await post('/embeddings', { ...request, model }, signal)).json());
      if (flaw === 'reverses-embeddings' && Array.isArray(value.data)) value.data = [...value.data].reverse();
      return { body: { value } };
    },
  };
}

const options: ProviderConformanceOptions<ScriptedResponse> = {
  name: 'reference OpenAI pass-through (kit self-test)',
  startUpstream: ({ apiKey }) => startFakeOpenAI({ apiKey }),
  createProvider: (context) => referenceProvider(context),
  model: 'gpt-4o-mini',
  scripts: openAIConformanceScripts,
  capabilities: { tools: true, embeddings: true, parallelToolCalls: true },
  unknownFieldsForwarded: ['seed', 'metadata'],
  abortDeadlineMs: 300,
};

defineProviderConformance(options);

describe('conformance checks catch flawed providers', () => {
  let upstream: FakeOpenAI;
  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: defaultConformanceApiKey });
  });
  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  function contextFor(flaw: Flaw): ConformanceContext<ScriptedResponse> {
    const provider = referenceProvider({ url: upstream.url, apiKey: defaultConformanceApiKey }, flaw);
    return { provider, upstream, options, apiKey: defaultConformanceApiKey };
  }

  function check(id: ConformanceCheckId) {
    const found = providerConformanceChecks.find((candidate) => candidate.id === id);
    if (found === undefined) throw new Error(`no check ${id}`);
    return found;
  }

  /** Each flaw, the checks that must catch it, and why they fail. */
  const cases: Array<[Flaw, ConformanceCheckId[], RegExp]> = [
    ['drops-a-content-delta', ['stream-equivalence'], /concatenated streamed content must equal/],
    ['inflates-total-tokens', ['usage'], /streamChat\(\): usage is not the upstream's, exactly/],
    ['counts-content-in-tool-indexes', ['tool-call-reassembly', 'parallel-tool-calls'], /must count tool calls only/],
    ['drops-unknown-fields', ['unknown-fields-forwarded'], /request field "seed" must be forwarded/],
    ['never-retryable', ['error-rate-limit', 'error-server'], /chat: retryable for an upstream (429|500)/],
    ['leaks-api-key', ['error-secrets'], /the API key must not appear in the error/],
    ['swallows-stream-failures', ['stream-connection-reset', 'stream-body-ended'], /must not end cleanly/],
    ['ignores-in-band-errors', ['in-band-error'], /the in-band message must be kept/],
    ['ignores-signal', ['abort-chat', 'abort-stream'], /within 300 ms of the abort/],
    ['reverses-embeddings', ['embeddings'], /data\[0\]\.index/],
  ];

  for (const [flaw, ids, reason] of cases) {
    for (const id of ids) {
      it(`${id} fails for a provider that ${flaw.replaceAll('-', ' ')}`, async () => {
        await expect(check(id).run(contextFor(flaw))).rejects.toThrow(reason);
      });
    }
  }

  it('every check is covered by a flaw case (a check that cannot fail is not a check)', () => {
    const covered = new Set(cases.flatMap(([, ids]) => ids));
    const uncovered = providerConformanceChecks.map((candidate) => candidate.id).filter((id) => !covered.has(id));
    expect(uncovered).toEqual(['error-bad-request']);
  });

  it('error-bad-request fails for a provider that retries a 400', async () => {
    const flawed = contextFor('never-retryable');
    const base = flawed.provider;
    const retriesEverything: ConformanceProvider = {
      ...base,
      chat: (call) =>
        base.chat(call).catch((error: unknown) => {
          throw isGatewayErrorLike(error) ? new ReferenceGatewayError(error.message, Number(error.status), true) : error;
        }),
      streamChat: base.streamChat.bind(base),
    };
    await expect(check('error-bad-request').run({ ...flawed, provider: retriesEverything })).rejects.toThrow(/retryable/);
  });
});

describe('conformance result readers', () => {
  it('reassembles tool calls by index and refuses an id that changes mid-call', () => {
    const chunk = (delta: JsonRecord) => ({
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, finish_reason: null }],
    });
    const answer = reassembleStream([
      chunk({ content: 'a' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"x"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
    ]);
    expect(answer).toMatchObject({
      content: 'a',
      toolCallIndexes: [0],
      toolCalls: [{ id: 'call_1', name: 'f', arguments: '{"x":1}' }],
    });
    expect(() =>
      reassembleStream([
        chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f' } }] }),
        chunk({ tool_calls: [{ index: 0, id: 'call_2' }] }),
      ]),
    ).toThrow(/changed its id/);
  });

  it('splits text at code point boundaries only', () => {
    const pieces = splitText('a👋🏽b世界', 3);
    expect(pieces.join('')).toBe('a👋🏽b世界');
    expect(pieces.every((piece) => !/[\uD800-\uDBFF]$/.test(piece))).toBe(true);
  });
});
