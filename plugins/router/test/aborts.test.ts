/**
 * Client disconnects (S1–S4): the upstream call is cancelled promptly, the router does not fail over
 * for a client that left, nothing throws unhandled, and connections do not pile up.
 */
import { openaiChunks } from '@switchyard/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contentOf, createScope, postChat, readEvents, sleep, waitFor } from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

const unhandled: unknown[] = [];
const collect = (error: unknown) => unhandled.push(error);
beforeAll(() => {
  process.on('unhandledRejection', collect);
  process.on('uncaughtException', collect);
});
afterAll(() => {
  process.off('unhandledRejection', collect);
  process.off('uncaughtException', collect);
});
afterEach(() => expect(unhandled).toEqual([]));

const fallbackTargets = [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-mini' }];
const words = Array.from({ length: 50 }, (_, index) => `w${index} `);

async function setup() {
  const primary = await scope.fake();
  const backup = await scope.fake();
  const gateway = await scope.gateway({
    upstreams: { primary: primary.url, backup: backup.url },
    aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 2, baseDelayMs: 20 } } },
  });
  return { primary, backup, ...gateway };
}

/** Aborts `controller` after `milliseconds`; resolves with the moment it did (performance.now()). */
function abortAfter(controller: AbortController, milliseconds: number): Promise<number> {
  return new Promise((resolve) =>
    setTimeout(() => {
      controller.abort();
      resolve(performance.now());
    }, milliseconds),
  );
}

/** Resolves once `state()` stayed the same for 200 ms (at most 3 s). */
async function settle(state: () => string): Promise<void> {
  const startedAt = performance.now();
  let previous = state();
  while (performance.now() - startedAt < 3_000) {
    await sleep(200);
    const current = state();
    if (current === previous) return;
    previous = current;
  }
}

describe('S1: client aborts before the first byte', () => {
  it('cancels the upstream call promptly (well under a second) and does not fail over', async () => {
    const { primary, backup, baseURL } = await setup();
    primary.script({ kind: 'sse', events: openaiChunks({ content: words }), firstByteDelayMs: 2_000 });
    const controller = new AbortController();
    const abortedAt = abortAfter(controller, 50);
    const outcome = await postChat(baseURL, { model: 'smart', stream: true, signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    expect((outcome as Error).name).toBe('AbortError');

    await waitFor(() => primary.aborts === 1, 1_000, 'the upstream to see the abort');
    const detectedAfter = performance.now() - (await abortedAt);
    console.log(`[S1] upstream saw the abort ${detectedAfter.toFixed(1)} ms after the client left`);
    expect(detectedAfter).toBeLessThan(1000);
    await sleep(100);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('S2: client aborts mid-stream', () => {
  it('aborts the upstream stream, with no unhandled errors and no retry elsewhere', async () => {
    const { primary, backup, baseURL } = await setup();
    primary.script({ kind: 'sse', events: openaiChunks({ content: words }), delayMs: 20 });
    const controller = new AbortController();
    const response = await postChat(baseURL, { model: 'smart', stream: true, signal: controller.signal });
    const reader = response.body?.getReader();
    let received = '';
    while (!received.includes('w4 ')) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      received += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    const abortedAt = performance.now();
    await reader?.cancel().catch(() => {});

    await waitFor(() => primary.aborts === 1, 1_000, 'the upstream to see the abort');
    expect(performance.now() - abortedAt).toBeLessThan(200);
    await sleep(100);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('S3: abort storm', () => {
  it('100 streams aborted at random points, twice: every upstream stream is cancelled, connections stay within the pool, the gateway still serves', async () => {
    const primary = await scope.fake();
    const connections = 20;
    const { baseURL } = await scope.gateway({
      upstreams: { primary: primary.url },
      aliases: { smart: { targets: [{ model: 'primary/gpt-4o' }], retry: { maxRetries: 2, baseDelayMs: 20 } } },
      http: { connections },
    });
    const streams = 100;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, primary.openConnections());
    }, 5);
    const afterStorms: number[] = [];
    for (let storm = 0; storm < 2; storm++) {
      primary.reset();
      // Each stream lasts about 50 × 16 ms, longer than the latest abort, so every one is cut mid-way.
      primary.script(
        ...Array.from({ length: streams }, () => ({
          kind: 'sse' as const,
          events: openaiChunks({ content: words }),
          delayMs: 16,
        })),
      );
      await Promise.all(
        Array.from({ length: streams }, async () => {
          const controller = new AbortController();
          void abortAfter(controller, Math.random() * 400);
          try {
            await readEvents(await postChat(baseURL, { model: 'smart', stream: true, signal: controller.signal }));
          } catch {
            // Aborted before the response arrived.
          }
        }),
      );
      // Client, gateway and upstream share one event loop here, so the gateway may read a request after its client
      // already left; it then cancels it within a few ms. Wait until nothing moves any more.
      await settle(() => `${primary.requests.length}/${primary.aborts}`);
      afterStorms.push(primary.openConnections());
      expect(primary.aborts).toBe(primary.requests.length);
    }
    clearInterval(sampler);
    console.log(
      `[S3] upstream connections: peak ${peak}, after storm 1: ${afterStorms[0]}, after storm 2: ${afterStorms[1]} (pool size ${connections})`,
    );
    // undici replaces every aborted socket with a fresh idle one, so the idle level is at most the pool size; it must not grow.
    expect(peak).toBeLessThanOrEqual(connections);
    expect(Math.max(...afterStorms)).toBeLessThanOrEqual(connections);

    primary.reset(); // drop scripted streams no request consumed
    const after = await readEvents(await postChat(baseURL, { model: 'smart', stream: true }));
    expect(after.done).toBe(true);
    expect(contentOf(after.events)).toBe('echo: hello there');
  });
});

describe('S4: client aborts a non-streaming request while waiting', () => {
  it('cancels the upstream call and does not fail over', async () => {
    const { primary, backup, baseURL } = await setup();
    primary.script({ kind: 'hang' });
    const controller = new AbortController();
    const abortedAt = abortAfter(controller, 100);
    const outcome = await postChat(baseURL, { model: 'smart', signal: controller.signal }).catch((error: unknown) => error);
    expect((outcome as Error).name).toBe('AbortError');

    await waitFor(() => primary.aborts === 1, 1_000, 'the upstream to see the abort');
    expect(performance.now() - (await abortedAt)).toBeLessThan(200);
    await sleep(100);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });
});
