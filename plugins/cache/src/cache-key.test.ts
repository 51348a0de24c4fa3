import type { ChatRequest } from '@switchyard/spec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cacheKeys, ignoredRequestFields, tenantOf } from './cache-key.js';
import { canonicalJson } from './canonical-json.js';

const message = fc.record({
  role: fc.constantFrom('system', 'user', 'assistant'),
  content: fc.oneof(
    fc.string(),
    fc.array(fc.record({ type: fc.constant('text'), text: fc.string() }), { minLength: 1, maxLength: 2 }),
  ),
});

const requestArbitrary: fc.Arbitrary<ChatRequest> = fc.record(
  {
    model: fc.string({ minLength: 1, maxLength: 12 }),
    messages: fc.array(message, { minLength: 1, maxLength: 4 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    n: fc.integer({ min: 1, max: 4 }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    seed: fc.integer(),
    stop: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 })),
    response_format: fc.constantFrom({ type: 'text' }, { type: 'json_object' }),
    tools: fc.array(
      fc.record({ type: fc.constant('function'), function: fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }) }) }),
      { minLength: 1, maxLength: 2 },
    ),
    tool_choice: fc.constantFrom('auto', 'none', 'required'),
    frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    logit_bias: fc.dictionary(fc.integer({ min: 0, max: 99 }).map(String), fc.integer({ min: -100, max: 100 }), { maxKeys: 2 }),
    reasoning_effort: fc.constantFrom('low', 'medium', 'high'),
  },
  { requiredKeys: ['model', 'messages'] },
) as fc.Arbitrary<ChatRequest>;

const key = (request: ChatRequest, tenant = 'team-a', generations: number[] = [0, 0, 0, 0]) =>
  cacheKeys({ request, tenant, generations }).exact;

/** A mutation of one answer-relevant field that always yields a different value. */
const relevantChanges: Array<[string, (request: ChatRequest) => ChatRequest]> = [
  ['model', (request) => ({ ...request, model: `${request.model}x` })],
  ['messages (text)', (request) => ({ ...request, messages: [...request.messages, { role: 'user', content: 'more' }] })],
  [
    'messages (role)',
    (request) => ({
      ...request,
      messages: request.messages.map((item, index) =>
        index === 0 ? { ...item, role: item.role === 'system' ? 'developer' : 'system' } : item,
      ),
    }),
  ],
  ['temperature', (request) => ({ ...request, temperature: (request.temperature ?? 1) + 0.5 })],
  ['top_p', (request) => ({ ...request, top_p: (request.top_p ?? 1) + 0.25 })],
  ['n', (request) => ({ ...request, n: (request.n ?? 1) + 1 })],
  ['max_tokens', (request) => ({ ...request, max_tokens: (request.max_tokens ?? 0) + 1 })],
  ['seed', (request) => ({ ...request, seed: ((request as { seed?: number }).seed ?? 0) + 1 }) as ChatRequest],
  ['stop', (request) => ({ ...request, stop: [...(Array.isArray(request.stop) ? request.stop : []), '\n\n#'] })],
  [
    'response_format',
    (request) => ({
      ...request,
      response_format: request.response_format?.type === 'json_schema' ? { type: 'text' } : { type: 'json_schema' },
    }),
  ],
  [
    'tools',
    (request) => ({ ...request, tools: [...(request.tools ?? []), { type: 'function', function: { name: 'extra_tool' } }] }),
  ],
  ['tool_choice', (request) => ({ ...request, tool_choice: request.tool_choice === 'auto' ? 'none' : 'auto' })],
  ['an unknown field', (request) => ({ ...request, some_new_parameter: true }) as ChatRequest],
];

const irrelevantChanges: Array<[string, (request: ChatRequest) => ChatRequest]> = [
  ['stream', (request) => ({ ...request, stream: true })],
  ['stream_options', (request) => ({ ...request, stream: true, stream_options: { include_usage: true } })],
  ['user', (request) => ({ ...request, user: 'end-user-42' })],
  ['metadata', (request) => ({ ...request, metadata: { requestId: 'abc' } }) as ChatRequest],
  ['store', (request) => ({ ...request, store: true }) as ChatRequest],
  ['a null parameter', (request) => ({ ...request, temperature: request.temperature ?? null })],
  ['key order', (request) => Object.fromEntries(Object.entries(request).reverse()) as ChatRequest],
  [
    'key order inside messages',
    (request) => ({
      ...request,
      messages: request.messages.map((item) => Object.fromEntries(Object.entries(item).reverse())) as ChatRequest['messages'],
    }),
  ],
];

describe('cacheKeys', () => {
  it.each(relevantChanges)('changes when %s changes', (_name, change) => {
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        expect(key(change(request))).not.toBe(key(request));
      }),
    );
  });

  it.each(irrelevantChanges)('does not change when %s changes', (_name, change) => {
    fc.assert(
      fc.property(requestArbitrary, (request) => {
        expect(key(change(request))).toBe(key(request));
      }),
    );
  });

  it('separates tenants, routes and purge generations', () => {
    fc.assert(
      fc.property(requestArbitrary, fc.string(), fc.string(), (request, tenantA, tenantB) => {
        fc.pre(tenantA !== tenantB);
        expect(key(request, tenantA)).not.toBe(key(request, tenantB));
        expect(key(request, tenantA, [0, 0, 0, 1])).not.toBe(key(request, tenantA));
      }),
    );
    const request: ChatRequest = { model: 'fast', messages: [{ role: 'user', content: 'hi' }] };
    const provider = {} as never;
    const routed = (model: string) =>
      cacheKeys({
        request,
        tenant: 't',
        generations: [0, 0, 0, 0],
        route: { requested: 'fast', targets: [{ providerId: 'openai', provider, model }] },
      }).exact;
    expect(routed('gpt-4o')).not.toBe(routed('gpt-4o-mini'));
    expect(routed('gpt-4o')).not.toBe(key(request, 't'));
  });

  it('puts user in the key only when asked to partition by user', () => {
    const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], user: 'a' };
    const other = { ...request, user: 'b' };
    const byUser = (value: ChatRequest) =>
      cacheKeys({ request: value, tenant: 't', generations: [], partitionByUser: true }).exact;
    expect(byUser(request)).not.toBe(byUser(other));
    expect(key(request)).toBe(key(other));
  });

  it('gives the same semantic partition to requests that differ only in their conversation', () => {
    const base: ChatRequest = { model: 'm', temperature: 0, messages: [{ role: 'user', content: 'hi' }] };
    const other = { ...base, messages: [{ role: 'user' as const, content: 'hello' }] };
    const keysOf = (request: ChatRequest) => cacheKeys({ request, tenant: 't', generations: [0, 0, 0, 0] });
    expect(keysOf(base).partition).toBe(keysOf(other).partition);
    expect(keysOf(base).exact).not.toBe(keysOf(other).exact);
    expect(keysOf({ ...base, temperature: 0.5 }).partition).not.toBe(keysOf(base).partition);
  });

  it('lists the ignored fields it documents', () => {
    expect(ignoredRequestFields).toEqual(expect.arrayContaining(['stream', 'stream_options', 'user', 'metadata']));
  });
});

describe('tenantOf', () => {
  it('prefers the team, then the key id, then anonymous', () => {
    expect(tenantOf({ keyId: 'k1', team: 'blue' })).toBe('blue');
    expect(tenantOf({ keyId: 'k1' })).toBe('k1');
    expect(tenantOf(undefined)).toBe('anonymous');
  });
});

describe('canonicalJson', () => {
  it('is equal for equal JSON values in any key order, and parses back to the same value', () => {
    const shuffle = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(shuffle);
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([name, member]) => [name, shuffle(member)]),
        );
      return value;
    };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(shuffle(value))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
