/**
 * Stream faults (F7–F12): before the commit point the router may still fail over; after it the client
 * gets its partial content and an in-band error, never a clean end and never a second stream.
 */
import { openaiChunks } from '@switchyard/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { contentOf, createScope, inBandError, messages, parseEvent, postChat, readEvents, waitFor } from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

const fallbackTargets = [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-mini' }];
const content = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog.'];

async function setup(timeouts: { firstTokenMs?: number; idleMs?: number } = {}) {
  const primary = await scope.fake();
  const backup = await scope.fake();
  const gateway = await scope.gateway({
    upstreams: { primary: primary.url, backup: backup.url },
    aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 0 }, timeouts } },
  });
  return { primary, backup, ...gateway };
}

/** Every event the client got is `[DONE]` or a complete JSON object: never a raw fragment. */
function expectOnlyWellFormedEvents(events: ReadonlyArray<{ data: string }>): void {
  for (const event of events) {
    if (event.data !== '[DONE]') expect(parseEvent(event.data), event.data).toBeDefined();
  }
}

describe('F7: slow first token', () => {
  it('fails over to the fallback after firstTokenMs and aborts the primary', async () => {
    const firstTokenMs = 250;
    const { primary, backup, client } = await setup({ firstTokenMs });
    primary.script({ kind: 'sse', events: openaiChunks({ content }), firstEventDelayMs: 5_000 });
    const startedAt = performance.now();
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'smart', messages, stream: true })
      .withResponse();
    let text = '';
    let firstChunkAt: number | undefined;
    for await (const chunk of stream) {
      firstChunkAt ??= performance.now() - startedAt;
      text += chunk.choices[0]?.delta.content ?? '';
    }

    expect(response.headers.get('x-switchyard-deployment')).toBe('backup/gpt-4o-mini');
    expect(text).toBe('echo: hello there');
    expect(firstChunkAt).toBeGreaterThanOrEqual(firstTokenMs - 5);
    expect(firstChunkAt).toBeLessThan(firstTokenMs + 300);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    await waitFor(() => primary.aborts === 1, 1_000, 'the primary to see the abort');
  });
});

describe('F8: stream cut after N chunks', () => {
  it('delivers the partial content, then an in-band error, no [DONE], and no failover after commit', async () => {
    const { primary, backup, baseURL } = await setup();
    primary.script({ kind: 'sse', events: openaiChunks({ content }), cutAfter: 5, delayMs: 5 });
    const response = await postChat(baseURL, { model: 'smart', stream: true });
    expect(response.status).toBe(200);
    const received = await readEvents(response);

    expect(contentOf(received.events)).toBe('The quick brown fox ');
    expect(received.events).toHaveLength(6);
    expect(inBandError(received.events.at(-1))?.code).toBe('upstream_connection_error');
    expect(received.done).toBe(false);
    expectOnlyWellFormedEvents(received.events);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('F9: stall mid-stream', () => {
  it('ends with an in-band error within about idleMs, aborts the upstream, and keeps serving', async () => {
    const idleMs = 300;
    const { primary, backup, baseURL, client } = await setup({ idleMs });
    primary.script({ kind: 'sse', events: openaiChunks({ content }), stallAfter: 4 });
    const response = await postChat(baseURL, { model: 'smart', stream: true });
    const received = await readEvents(response);

    const error = received.events.at(-1);
    const lastContent = received.events.at(-2);
    expect(inBandError(error)?.code).toBe('stream_idle_timeout');
    expect(contentOf(received.events)).toBe('The quick brown ');
    expect(received.done).toBe(false);
    const silence = (error?.at ?? 0) - (lastContent?.at ?? 0);
    expect(silence).toBeGreaterThanOrEqual(idleMs - 10);
    expect(silence).toBeLessThan(idleMs + 250);
    await waitFor(() => primary.aborts === 1, 1_000, 'the primary to see the abort');
    expect(backup.requests).toHaveLength(0);

    const followUp = await client.chat.completions.create({ model: 'smart', messages });
    expect(followUp.choices[0]?.message.content).toBe('echo: hello there');
    expect(primary.requests).toHaveLength(2);
  });
});

describe('F10: malformed SSE event mid-stream', () => {
  it('never forwards the raw fragment: partial content, then an in-band error', async () => {
    const { primary, backup, baseURL } = await setup();
    const events: unknown[] = openaiChunks({ content });
    events.splice(3, 0, '{"id":');
    primary.script({ kind: 'sse', events });
    const received = await readEvents(await postChat(baseURL, { model: 'smart', stream: true }));

    expectOnlyWellFormedEvents(received.events);
    expect(received.events.some((event) => event.data.startsWith('{"id":') && parseEvent(event.data) === undefined)).toBe(false);
    expect(contentOf(received.events)).toBe('The quick ');
    expect(inBandError(received.events.at(-1))?.code).toBe('invalid_upstream_response');
    expect(received.done).toBe(false);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('F11: EOF without [DONE]', () => {
  it('completes with [DONE] when the upstream closes after a finish reason', async () => {
    const { primary, baseURL } = await setup();
    primary.script({ kind: 'sse', events: openaiChunks({ content }), done: false });
    const startedAt = performance.now();
    const received = await readEvents(await postChat(baseURL, { model: 'smart', stream: true }));

    expect(received.done).toBe(true);
    expect(received.readError).toBeUndefined();
    expect(contentOf(received.events)).toBe(content.join(''));
    expect(received.events.some((event) => inBandError(event) !== undefined)).toBe(false);
    expect(performance.now() - startedAt).toBeLessThan(500);
  });

  it('ends with an in-band error when the upstream closes before any finish reason', async () => {
    const { primary, backup, baseURL } = await setup();
    primary.script({ kind: 'sse', events: openaiChunks({ content }).slice(0, -1), done: false });
    const received = await readEvents(await postChat(baseURL, { model: 'smart', stream: true }));

    expect(contentOf(received.events)).toBe(content.join(''));
    expect(inBandError(received.events.at(-1))?.code).toBe('upstream_stream_truncated');
    expect(received.done).toBe(false);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('F12: in-band error as the first event', () => {
  it('fails over before commit: the client only ever sees the fallback', async () => {
    const { primary, backup, baseURL } = await setup();
    primary.script({
      kind: 'sse',
      events: [{ error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: 'overloaded' } }],
    });
    const response = await postChat(baseURL, { model: 'smart', stream: true });
    const received = await readEvents(response);

    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-deployment')).toBe('backup/gpt-4o-mini');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(received.done).toBe(true);
    expect(received.events.some((event) => inBandError(event) !== undefined)).toBe(false);
    expect(received.events.every((event) => event.data === '[DONE]' || parseEvent(event.data)?.model === 'gpt-4o-mini')).toBe(
      true,
    );
    expect(contentOf(received.events)).toBe('echo: hello there');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });
});

describe('slow consumer (backpressure) vs idleMs', () => {
  it('does not take a client that stops reading for an upstream that went silent', async () => {
    const idleMs = 300;
    const { primary, baseURL } = await setup({ idleMs });
    // 16 MB: far more than the socket buffers hold, so the gateway really stops pulling while the client pauses.
    const piece = 'x'.repeat(8_192);
    const pieces = Array.from({ length: 2_000 }, () => piece);
    primary.script({ kind: 'sse', events: openaiChunks({ content: pieces }) });
    const response = await postChat(baseURL, { model: 'smart', stream: true });
    const received = await readEvents(response, { pauseAfterFirstChunkMs: 3 * idleMs });

    expect(received.events.some((event) => inBandError(event) !== undefined)).toBe(false);
    expect(received.done).toBe(true);
    expect(contentOf(received.events).length).toBe(piece.length * pieces.length);
    expect(primary.aborts).toBe(0);
  });
});
