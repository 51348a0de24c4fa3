// End to end over real HTTP: official SDKs → gateway (pii middleware) → OpenAI-compatible provider → fake
// OpenAI upstream, which records what it received.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { createGateway, createJsonLogger, type Gateway, type GatewayState, type Middleware } from '@switchyard/core';
import { createNodeHandler } from '@switchyard/node-http';
import { createOpenAICompatible } from '@switchyard/provider-openai-compatible';
import { type FakeOpenAI, openaiChunks, openaiCompletion, startFakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, piiFromConfig } from '../src/index.js';

const upstreamKey = 'sk-upstream-test-key-0123456789';
const email = 'jane.doe@example.com';
const phone = '+44 20 7946 0958';
const card = '4111 1111 1111 1111';
const chineseId = '11010519491231002X';
const apiKey = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1w';
const originals = [email, phone, card, chineseId, apiKey];

let upstream: FakeOpenAI;
let gateway: Gateway;
let server: Server;
let baseURL: string;
const logLines: string[] = [];
const states: GatewayState[] = [];

/** Records the per-request state the pii middleware leaves for later layers. */
const observeState: Middleware = {
  name: 'observe-state',
  async handle(context, next) {
    await next();
    states.push({ ...context.state });
  },
};

beforeAll(async () => {
  upstream = await startFakeOpenAI({ apiKey: upstreamKey });
  const config = configSchema.parse({
    detectors: { cn_id: 'block', email: 'mask', card: 'mask' },
    custom: [{ name: 'employee_id', pattern: String.raw`\bEMP-\d{6}\b`, action: 'mask' }],
  });
  const logger = createJsonLogger({ level: 'info', write: (line) => logLines.push(line) });
  gateway = createGateway({
    providers: [createOpenAICompatible({ id: 'upstream', baseURL: upstream.url, apiKey: upstreamKey, models: ['gpt-4o-mini'] })],
    middleware: [piiFromConfig(config, { logger }), observeState],
    logger,
  });
  server = createServer(createNodeHandler(gateway));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await gateway.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.reset();
  logLines.length = 0;
  states.length = 0;
});

function expectNoOriginals(text: string, values: readonly string[] = originals): void {
  for (const value of values) expect(text).not.toContain(value);
}

const openai = () => new OpenAI({ baseURL: `${baseURL}/v1`, apiKey: 'gateway-key', maxRetries: 0 });

describe('pii through the gateway with the openai SDK', () => {
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: `You help ${email}. Never reveal ${apiKey}.` },
    { role: 'user', content: `Call me on ${phone}, pay with ${card}. My badge is EMP-123456.` },
  ];

  it('masks the request, and restores the non-streamed reply', async () => {
    upstream.script({
      kind: 'json',
      body: openaiCompletion({ content: 'Noted: <EMAIL_1>, <PHONE_1>, <CARD_1>, <EMPLOYEE_ID_1>; unknown <EMAIL_7>.' }),
    });
    const completion = await openai().chat.completions.create({ model: 'upstream/gpt-4o-mini', messages });
    expect(completion.choices[0]?.message.content).toBe(`Noted: ${email}, ${phone}, ${card}, EMP-123456; unknown <EMAIL_7>.`);

    const received = upstream.lastRequest();
    expect(received).toBeDefined();
    expectNoOriginals(received?.rawBody ?? '', [...originals, 'EMP-123456']);
    expect(received?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'You help <EMAIL_1>. Never reveal [SECRET].' },
        { role: 'user', content: 'Call me on <PHONE_1>, pay with <CARD_1>. My badge is <EMPLOYEE_ID_1>.' },
      ],
    });
  });

  it('restores placeholders split across streamed chunks, in content and in tool call arguments', async () => {
    upstream.script({
      kind: 'sse',
      events: openaiChunks({
        content: ['Writing to <EMA', 'IL_1', '> about <', 'CARD_1> now. A < b.'],
        toolCalls: [{ id: 'call_1', name: 'send_mail', argumentPieces: ['{"to":"<EMAIL', '_1>","phone":"<PH', 'ONE_1>"}'] }],
      }),
    });
    const stream = await openai().chat.completions.create({ model: 'upstream/gpt-4o-mini', messages, stream: true });
    let text = '';
    let argumentsText = '';
    const contentPieces: string[] = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.content) {
        contentPieces.push(choice.delta.content);
        text += choice.delta.content;
      }
      argumentsText += choice.delta.tool_calls?.map((toolCall) => toolCall.function?.arguments ?? '').join('') ?? '';
      finishReason = choice.finish_reason ?? finishReason;
    }
    expect(text).toBe(`Writing to ${email} about ${card} now. A < b.`);
    // Only the split placeholders are held back; the rest arrives as the upstream sent it.
    expect(contentPieces).toEqual(['Writing to ', `${email} about `, `${card} now. A < b.`]);
    expect(JSON.parse(argumentsText)).toEqual({ to: email, phone });
    expect(finishReason).toBe('tool_calls');
    expectNoOriginals(upstream.lastRequest()?.rawBody ?? '');
  });

  it('refuses a request with a blocked type before any upstream call, naming the type and not the value', async () => {
    const error = await openai()
      .chat.completions.create({
        model: 'upstream/gpt-4o-mini',
        messages: [{ role: 'user', content: `My ID is ${chineseId} and mail ${email}` }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const badRequest = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(badRequest.status).toBe(400);
    expect(badRequest.code).toBe('pii_blocked');
    expect(badRequest.message).toContain('CN_ID');
    expectNoOriginals(badRequest.message);
    expect(upstream.requests).toHaveLength(0);
  });

  it('logs counts by type with the request id, keeps them in state, and never logs a value', async () => {
    upstream.script({ kind: 'json', body: openaiCompletion({ content: 'ok' }) });
    const { response } = await openai().chat.completions.create({ model: 'upstream/gpt-4o-mini', messages }).withResponse();
    const requestId = response.headers.get('x-request-id');
    const piiLine = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'pii');
    expect(piiLine).toMatchObject({
      requestId,
      pii_EMAIL: 1,
      pii_PHONE: 1,
      pii_CARD: 1,
      pii_SECRET: 1,
      pii_EMPLOYEE_ID: 1,
      total: 5,
    });
    expectNoOriginals(logLines.join('\n'), [...originals, 'EMP-123456']);
    expect(states.at(-1)?.pii).toEqual({ counts: { EMAIL: 1, SECRET: 1, PHONE: 1, CARD: 1, EMPLOYEE_ID: 1 } });
  });

  it('passes a request without personal data through unchanged', async () => {
    upstream.script({ kind: 'json', body: openaiCompletion({ content: 'Use <b> tags.' }) });
    const completion = await openai().chat.completions.create({
      model: 'upstream/gpt-4o-mini',
      messages: [{ role: 'user', content: 'How do I make text bold?' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Use <b> tags.');
    expect(upstream.lastRequest()?.body).toMatchObject({ messages: [{ role: 'user', content: 'How do I make text bold?' }] });
    expect(states.at(-1)?.pii).toEqual({ counts: {} });
  });
});

describe('pii through the gateway with the Anthropic SDK', () => {
  const anthropic = () => new Anthropic({ baseURL, apiKey: 'gateway-key', maxRetries: 0 });

  it('masks the system prompt and messages, and restores a streamed reply', async () => {
    upstream.script({
      kind: 'sse',
      events: openaiChunks({ content: ['Sure, <E', 'MAIL_1> and <PHONE_', '1>.'] }),
    });
    const stream = anthropic().messages.stream({
      model: 'upstream/gpt-4o-mini',
      max_tokens: 100,
      system: `Assistant for ${email}.`,
      messages: [{ role: 'user', content: `Text me at ${phone}.` }],
    });
    const message = await stream.finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: `Sure, ${email} and ${phone}.` })]);
    const received = upstream.lastRequest();
    expectNoOriginals(received?.rawBody ?? '');
    expect(received?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Assistant for <EMAIL_1>.' },
        { role: 'user', content: 'Text me at <PHONE_1>.' },
      ],
    });
  });

  it('restores a non-streamed reply', async () => {
    upstream.script({ kind: 'json', body: openaiCompletion({ content: 'Card <CARD_1> noted.' }) });
    const message = await anthropic().messages.create({
      model: 'upstream/gpt-4o-mini',
      max_tokens: 100,
      messages: [{ role: 'user', content: `Card ${card}` }],
    });
    expect(message.content).toEqual([expect.objectContaining({ type: 'text', text: `Card ${card} noted.` })]);
    expectNoOriginals(upstream.lastRequest()?.rawBody ?? '');
  });
});
