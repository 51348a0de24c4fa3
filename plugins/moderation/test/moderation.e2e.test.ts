import { openaiChunks, openaiCompletion, openaiModeration } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { contentOf, type GatewayUnderTest, postChat, readEvents, startGateway } from './harness.js';

const secretPhrase = 'open the pod bay doors';
const section = {
  input: true,
  output: { holdBackChars: 30, windowChars: 10 },
  rules: { deny: [secretPhrase], regex: [{ pattern: 'project\\s+nightingale', category: 'confidential' }] },
  profanity: true,
  remote: { provider: 'guard', model: 'omni-moderation-latest', thresholds: { hate: 0.4 }, timeoutMs: 300 },
  refusal: 'Sorry, I cannot share that.',
};

/** A filler long enough that the flagged phrase arrives well after the first windows were released. */
const cleanLead = 'The weather today is calm and the sky is clear over the harbour, ';

/** Word-sized pieces, as upstreams stream them. */
function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

let gateway: GatewayUnderTest;
beforeAll(async () => {
  gateway = await startGateway(section);
});
afterAll(() => gateway.close());
beforeEach(() => {
  gateway.chat.reset();
  gateway.guard.reset();
  gateway.logs.length = 0;
});

function expectNoTextInLogs(...texts: string[]): void {
  const serialized = JSON.stringify(gateway.logs);
  for (const text of texts) expect(serialized).not.toContain(text);
}

describe('input moderation', () => {
  it('refuses a request flagged by a local rule before any upstream call, in the OpenAI dialect', async () => {
    const content = `Please ${secretPhrase}, HAL.`;
    const error = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('content_flagged');
    expect(apiError.param).toBe('messages');
    expect(apiError.message).toContain('deny-list');
    expect(apiError.message).not.toContain('pod bay');
    expect(gateway.chat.requests).toHaveLength(0);
    const requestId = apiError.headers?.get('x-request-id') ?? '';
    expect(gateway.states.get(requestId)?.input).toMatchObject({
      flagged: true,
      action: 'refused',
      categories: ['deny-list'],
      flaggedBy: ['rules'],
    });
    const line = gateway.logs.find((entry) => entry.message === 'moderation');
    expect(line?.fields).toMatchObject({ requestId, stage: 'input', categories: 'deny-list', action: 'refused' });
    expectNoTextInLogs('pod bay', 'HAL');
  });

  it('refuses a request the remote classifier flags, naming its categories, at no chat cost', async () => {
    const error = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'how do I kill a zombie process' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 400, code: 'content_flagged' });
    expect((error as Error).message).toContain('violence');
    expect(gateway.chat.requests).toHaveLength(0);
    expect(gateway.guard.requests).toHaveLength(1);
    expect(gateway.guard.lastRequest()?.body).toMatchObject({ model: 'omni-moderation-latest' });
  });

  it('applies the configured threshold (hate ≥ 0.4) below the upstream cut-off', async () => {
    const error = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'borderline [score:hate=0.45]' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 400, code: 'content_flagged' });
    expect((error as Error).message).toContain('hate');
    const passed = await gateway.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'borderline [score:hate=0.35]' }],
    });
    expect(passed.choices[0]?.message.content).toBe('echo: borderline [score:hate=0.35]');
  });

  it('flags profanity and checks text parts and system messages too', async () => {
    const error = await gateway.client.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be helpful about Project  Nightingale.' },
          { role: 'user', content: [{ type: 'text', text: 'what the fuck' }] },
        ],
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 400, code: 'content_flagged' });
    expect((error as Error).message).toMatch(/confidential/);
    expect((error as Error).message).toMatch(/profanity/);
    expect(gateway.chat.requests).toHaveLength(0);
  });

  it('answers in the Anthropic dialect for /v1/messages clients', async () => {
    const response = await fetch(`${gateway.baseURL}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        max_tokens: 50,
        messages: [{ role: 'user', content: `${secretPhrase} please` }],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toContain('deny-list');
    expect(gateway.chat.requests).toHaveLength(0);
  });
});

describe('output moderation, non-streamed', () => {
  it('passes a clean reply untouched', async () => {
    const { data, response } = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'say something nice' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: say something nice');
    expect(response.headers.get('x-switchyard-moderation')).toBeNull();
  });

  it('replaces a flagged reply with the configured refusal, keeping usage', async () => {
    gateway.chat.script({ kind: 'json', body: openaiCompletion({ content: `Sure: I will ${secretPhrase}.` }) });
    const { data, response } = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('Sorry, I cannot share that.');
    expect(data.choices[0]?.finish_reason).toBe('content_filter');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-switchyard-moderation')).toBe('flagged');
    const state = gateway.states.get(response.headers.get('x-request-id') ?? '');
    expect(state?.output).toMatchObject({ flagged: true, action: 'refused', categories: ['deny-list'] });
    expect(state?.input).toMatchObject({ flagged: false, action: 'passed' });
  });
});

describe('output moderation, streamed', () => {
  it('streams a clean reply completely through the SDK', async () => {
    const stream = await gateway.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: `${cleanLead}and nothing else` }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(`echo: ${cleanLead}and nothing else`);
  });

  it('never releases a flagged phrase split across chunks, and ends with an in-band error the SDK raises', async () => {
    const pieces = [...words(cleanLead), 'and then I will ', 'open the p', 'od bay d', 'oors for you.'];
    gateway.chat.script({ kind: 'sse', events: openaiChunks({ content: pieces }), delayMs: 5 });
    const stream = await gateway.client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('content moderation');
    expect(text.startsWith(cleanLead.slice(0, 20))).toBe(true); // earlier windows did go out
    expect(text).not.toContain('open the p');
    expect(`${cleanLead}and then I will `.startsWith(text)).toBe(true);
  });

  it('sends partial content, then the content_flagged error event, and no [DONE] (raw SSE)', async () => {
    const pieces = [...words(cleanLead), 'so ', 'open the pod ', 'bay doors now', ' and more', ' text'];
    gateway.chat.script({ kind: 'sse', events: openaiChunks({ content: pieces }) });
    const response = await postChat(gateway.baseURL, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    const received = await readEvents(response);
    expect(received.done).toBe(false);
    const last = JSON.parse(received.events.at(-1) ?? '{}') as { error?: { code?: string; message?: string } };
    expect(last.error?.code).toBe('content_flagged');
    expect(last.error?.message).not.toContain('pod');
    expect(contentOf(received.events)).not.toContain('open');
    expect(contentOf(received.events).startsWith('The weather today')).toBe(true);
    const state = gateway.states.get(response.headers.get('x-request-id') ?? '');
    expect(state?.output).toMatchObject({ flagged: true, action: 'stopped', categories: ['deny-list'] });
  });

  it('turns a reply flagged in its first window into a complete refusal stream', async () => {
    gateway.chat.script({ kind: 'sse', events: openaiChunks({ content: ['I will ', 'kill ', 'it.'] }) });
    const { data: stream, response } = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], stream: true })
      .withResponse();
    let text = '';
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(text).toBe('Sorry, I cannot share that.');
    expect(finishReason).toBe('content_filter');
    expect(response.headers.get('x-switchyard-moderation')).toBe('flagged');
  });
});

describe('fail policy', () => {
  it('fails closed by default: a moderation service error gives a 503 naming the guard, and no chat call', async () => {
    gateway.guard.script({ kind: 'error', status: 500, message: 'internal error' });
    const error = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'a calm question' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error).toMatchObject({ status: 503, code: 'moderation_unavailable' });
    expect((error as Error).message).toContain('remote:guard');
    expect(gateway.chat.requests).toHaveLength(0);
  });

  it('fails closed when the moderation service hangs past timeoutMs', async () => {
    gateway.guard.script({ kind: 'hang' });
    const startedAt = performance.now();
    const error = await gateway.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'a calm question' }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 503, code: 'moderation_unavailable' });
    expect(performance.now() - startedAt).toBeLessThan(5_000);
    expect(gateway.chat.requests).toHaveLength(0);
  });

  it('fails closed with a proper 503 when the first output window cannot be checked (nothing sent yet)', async () => {
    gateway.guard.script({ kind: 'json', body: openaiModeration() }, { kind: 'hang' });
    const response = await postChat(gateway.baseURL, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe('moderation_unavailable');
  });

  it('fails closed mid-stream with an in-band moderation_unavailable error once content went out', async () => {
    const ok = { kind: 'json' as const, body: openaiModeration() };
    // The input check and the first six output windows answer; the next window hangs.
    gateway.guard.script(ok, ok, ok, ok, ok, ok, ok, { kind: 'hang' });
    gateway.chat.script({ kind: 'sse', events: openaiChunks({ content: [...words(cleanLead), ...words(cleanLead)] }) });
    const response = await postChat(gateway.baseURL, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello' }],
      stream: true,
    });
    expect(response.status).toBe(200);
    const received = await readEvents(response);
    expect(contentOf(received.events).length).toBeGreaterThan(0);
    expect(received.done).toBe(false);
    const last = JSON.parse(received.events.at(-1) ?? '{}') as { error?: { code?: string } };
    expect(last.error?.code).toBe('moderation_unavailable');
  });
});

describe('fail open', () => {
  let open: GatewayUnderTest;
  beforeAll(async () => {
    open = await startGateway({ ...section, remote: { ...section.remote, failMode: 'open' } });
  });
  afterAll(() => open.close());

  beforeEach(() => {
    open.chat.reset();
    open.guard.reset();
  });

  it('lets the request through when the guard hangs, with a header and a logged request id', async () => {
    open.guard.script({ kind: 'hang' }, { kind: 'error', status: 502, message: 'bad gateway' });
    const { data, response } = await open.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'a calm question' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: a calm question');
    expect(response.headers.get('x-switchyard-moderation')).toBe('unavailable');
    const requestId = response.headers.get('x-request-id');
    const warnings = open.logs.filter((line) => line.level === 'warn' && line.fields.requestId === requestId);
    expect(warnings.map((line) => line.fields.stage).sort()).toEqual(['input', 'output']);
    expect(warnings[0]?.fields.check).toBe('remote:guard');
    expect(open.states.get(requestId ?? '')?.input?.unavailable).toEqual(['remote:guard']);
    expect(open.chat.requests).toHaveLength(1);
  });

  it('still refuses what the local rules flag while the guard is down', async () => {
    open.guard.script({ kind: 'error', status: 500, message: 'down' });
    const error = await open.client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: secretPhrase }] })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 400, code: 'content_flagged' });
    expect(open.chat.requests).toHaveLength(0);
  });
});

describe('/v1/moderations through the gateway', () => {
  it('answers client.moderations.create in OpenAI wire format, routed to the provider of the model', async () => {
    const { data, response } = await gateway.client.moderations
      .create({ model: 'guard/omni-moderation-latest', input: ['I will kill you', 'hello'] })
      .withResponse();
    expect(data.model).toBe('omni-moderation-2024-09-26');
    expect(data.results).toHaveLength(2);
    expect(data.results[0]?.flagged).toBe(true);
    expect(data.results[0]?.categories.violence).toBe(true);
    expect(data.results[0]?.category_scores.violence).toBe(0.91);
    expect(data.results[1]?.flagged).toBe(false);
    expect(response.headers.get('x-switchyard-provider')).toBe('guard');
    expect(gateway.guard.lastRequest()?.body).toEqual({
      model: 'omni-moderation-latest',
      input: ['I will kill you', 'hello'],
    });
    expect(gateway.chat.requests).toHaveLength(0);
  });

  it("uses the remote classifier's model when the client sends none", async () => {
    const result = await gateway.client.moderations.create({ input: 'steal a car' });
    expect(result.results[0]?.categories.illicit).toBe(true);
    expect(gateway.guard.requests).toHaveLength(1);
  });

  it('passes upstream errors on in the OpenAI error format and rejects bad bodies', async () => {
    gateway.guard.script({ kind: 'error', status: 429, message: 'slow down', code: 'rate_limit_exceeded' });
    const limited = await gateway.client.moderations.create({ input: 'x' }).catch((thrown: unknown) => thrown);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    const bad = await fetch(`${gateway.baseURL}/moderations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 42 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('input');
  });

  it('refuses a model whose provider has no moderation endpoint', async () => {
    const error = await gateway.client.moderations
      .create({ model: 'nowhere/omni', input: 'x' })
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
