/**
 * HTTP-level upstream faults (F1–F6, F13, F14, F19) through the real server, the official SDK and fake
 * upstreams: what the client got, and what each upstream saw (attempts, gaps, aborts).
 */
import type { FakeOpenAI } from '@switchyard/testkit';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  attemptsOf,
  closedPort,
  coefficientOfVariation,
  createScope,
  gapsBetween,
  median,
  messages,
  postChat,
  waitFor,
} from './harness.js';

const scope = createScope();
afterEach(() => scope.closeAll());

const fallbackTargets = [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-mini' }];

async function twoUpstreams(): Promise<{ primary: FakeOpenAI; backup: FakeOpenAI }> {
  return { primary: await scope.fake(), backup: await scope.fake() };
}

describe('F1: 429 with Retry-After', () => {
  async function retryAfterScenario(retryAfter: () => string) {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 1, baseDelayMs: 50, maxRetryAfterMs: 5_000 } } },
    });
    primary.script({ kind: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after': retryAfter() } });
    const startedAt = Date.now();
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();

    expect(data.choices[0]?.message.content).toBe('echo: hello there');
    const firstAttempts = primary.requests.filter((request) => request.receivedAt - startedAt < 1_500);
    expect(firstAttempts.length).toBeLessThanOrEqual(2);
    const fallbackUsed = backup.requests.length > 0;
    if (!fallbackUsed) {
      expect(primary.requests).toHaveLength(2);
      expect(gapsBetween(primary.requests)[0]).toBeGreaterThanOrEqual(1_800);
      expect(response.headers.get('x-switchyard-deployment')).toBe('primary/gpt-4o');
    }
    return { gap: gapsBetween(primary.requests)[0], fallbackUsed };
  }

  it('waits out `Retry-After: 2` (delta-seconds) before the next primary attempt', async () => {
    const { gap, fallbackUsed } = await retryAfterScenario(() => '2');
    expect(fallbackUsed).toBe(false);
    expect(gap).toBeLessThan(2_600);
  });

  it('parses the HTTP-date form (~2 s ahead, whole seconds)', async () => {
    // HTTP-dates have one-second resolution: round up so the date is at least 2 s away.
    const { gap, fallbackUsed } = await retryAfterScenario(() =>
      new Date(Math.ceil((Date.now() + 2_000) / 1_000) * 1_000).toUTCString(),
    );
    expect(fallbackUsed).toBe(false);
    expect(gap).toBeLessThan(3_600);
  });

  it('moves on to the fallback at once when Retry-After exceeds maxRetryAfterMs', async () => {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 2, baseDelayMs: 50, maxRetryAfterMs: 5_000 } } },
    });
    primary.script({ kind: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after': '30' } });
    const startedAt = performance.now();
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();
    const elapsed = performance.now() - startedAt;

    expect(data.model).toBe('gpt-4o-mini');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    expect(elapsed).toBeLessThan(500);
  });
});

describe('F2: persistent 429 without Retry-After, concurrent requests', () => {
  it('bounds attempts, jitters the gaps across requests, and ends on the fallback', async () => {
    const { primary, backup } = await twoUpstreams();
    const maxRetries = 2;
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries, baseDelayMs: 200, maxDelayMs: 2_000 } } },
      // Concurrent 429s count against health and would open the breaker after 5; keep it closed to see the retries.
      breaker: { consecutiveFailures: 1_000, minRequests: 1_000 },
    });
    const concurrency = 30;
    primary.script(
      ...Array.from({ length: concurrency * (1 + maxRetries) }, () => ({
        kind: 'error' as const,
        status: 429,
        message: 'Rate limit reached',
      })),
    );
    const requestIds = Array.from({ length: concurrency }, (_, index) => `f2-${index}`);
    const results = await Promise.all(
      requestIds.map((requestId) =>
        client.chat.completions.create({ model: 'smart', messages }, { headers: { 'x-request-id': requestId } }),
      ),
    );

    expect(results.every((completion) => completion.model === 'gpt-4o-mini')).toBe(true);
    expect(backup.requests).toHaveLength(concurrency);
    const firstGaps: number[] = [];
    const secondGaps: number[] = [];
    for (const requestId of requestIds) {
      const attempts = attemptsOf(primary, requestId);
      expect(attempts.length).toBeLessThanOrEqual(1 + maxRetries);
      const first = attempts[0]?.receivedAt ?? 0;
      expect(attempts.filter((attempt) => attempt.receivedAt - first < 3_000).length).toBeLessThanOrEqual(4);
      const [firstGap, secondGap] = gapsBetween(attempts);
      if (firstGap !== undefined) firstGaps.push(firstGap);
      if (secondGap !== undefined) secondGaps.push(secondGap);
    }
    expect(firstGaps.length).toBe(concurrency);
    const variation = { first: coefficientOfVariation(firstGaps), second: coefficientOfVariation(secondGaps) };
    console.log(
      `[F2] gap CV across ${concurrency} requests: retry 1 ${variation.first.toFixed(2)}, retry 2 ${variation.second.toFixed(2)}`,
    );
    expect(variation.first).toBeGreaterThan(0.2);
    expect(variation.second).toBeGreaterThan(0.2);
  });
});

describe('F3–F5: 5xx and resets', () => {
  it('F3: 500 once then 200 is retried on the same deployment', async () => {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 2, baseDelayMs: 20 } } },
    });
    primary.script({ kind: 'error', status: 500, message: 'The server had an error' });
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();

    expect(response.status).toBe(200);
    expect(data.model).toBe('gpt-4o');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(primary.requests).toHaveLength(2);
    expect(backup.requests).toHaveLength(0);
  });

  it('F4: persistent 503 uses 1 + maxRetries primary attempts, then the fallback answers with its model', async () => {
    const { primary, backup } = await twoUpstreams();
    const maxRetries = 2;
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries, baseDelayMs: 20 } } },
    });
    primary.script(
      ...Array.from({ length: 10 }, () => ({
        kind: 'error' as const,
        status: 503,
        message: 'The engine is currently overloaded',
      })),
    );
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();

    expect(data.model).toBe('gpt-4o-mini');
    expect(response.headers.get('x-switchyard-deployment')).toBe('backup/gpt-4o-mini');
    expect(response.headers.get('x-switchyard-attempts')).toBe(String(2 + maxRetries));
    expect(primary.requests.length).toBeLessThanOrEqual(1 + maxRetries);
    expect(backup.requests).toHaveLength(1);
  });

  it('F5: a reset before the headers is retried and succeeds on the second attempt', async () => {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 1, baseDelayMs: 20 } } },
    });
    primary.script({ kind: 'reset' });
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();

    expect(data.choices[0]?.message.content).toBe('echo: hello there');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(primary.requests.length + backup.requests.length).toBe(2);
  });
});

describe('F6: blackhole upstream', () => {
  it('cuts the primary at responseMs with one attempt and answers from the fallback', async () => {
    const { primary, backup } = await twoUpstreams();
    const responseMs = 300;
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 2, baseDelayMs: 20 }, timeouts: { responseMs } } },
    });
    primary.script({ kind: 'hang' }, { kind: 'hang' });
    const startedAt = performance.now();
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();
    const elapsed = performance.now() - startedAt;

    expect(data.model).toBe('gpt-4o-mini');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(elapsed).toBeGreaterThanOrEqual(responseMs - 5);
    expect(elapsed).toBeLessThan(responseMs + 400);
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
    await waitFor(() => primary.aborts === 1, 1_000, 'the primary to see the abort');
  });
});

describe('F13: deterministic 4xx', () => {
  const contextError = {
    kind: 'error' as const,
    status: 400,
    message: "This model's maximum context length is 128000 tokens.",
    code: 'context_length_exceeded',
    param: 'messages',
  };

  it('routes context_length_exceeded to a larger model when the alias moves on for it', async () => {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: {
        long: {
          targets: [{ model: 'primary/gpt-4o' }, { model: 'backup/gpt-4o-1m' }],
          on: ['context_length'],
          retry: { maxRetries: 2 },
        },
      },
    });
    primary.script(contextError);
    const { data, response } = await client.chat.completions.create({ model: 'long', messages }).withResponse();

    expect(data.model).toBe('gpt-4o-1m');
    expect(response.headers.get('x-switchyard-fallback')).toBe('true');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });

  it('surfaces context_length_exceeded with the upstream message when the alias does not move on for it', async () => {
    const { primary, backup } = await twoUpstreams();
    const { baseURL } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 2 } } },
    });
    primary.script(contextError);
    const response = await postChat(baseURL, { model: 'smart' });
    const body = (await response.json()) as { error: { message: string; code: string; param: string } };

    expect(response.status).toBe(400);
    expect(body.error).toMatchObject({ message: contextError.message, code: 'context_length_exceeded', param: 'messages' });
    expect(response.headers.get('x-switchyard-skipped')).toBe('backup/gpt-4o-mini=not-for-context_length');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });

  it('moves on from a 401 to a deployment with a second key', async () => {
    const upstream = await scope.fake({ apiKey: 'sk-good' });
    const { client } = await scope.gateway({
      upstreams: {
        revoked: { baseURL: upstream.url, apiKey: 'sk-revoked' },
        second: { baseURL: upstream.url, apiKey: 'sk-good' },
      },
      aliases: { keys: { targets: [{ model: 'revoked/gpt-4o' }, { model: 'second/gpt-4o' }], retry: { maxRetries: 2 } } },
    });
    const { data, response } = await client.chat.completions.create({ model: 'keys', messages }).withResponse();

    expect(data.choices[0]?.message.content).toBe('echo: hello there');
    expect(response.headers.get('x-switchyard-deployment')).toBe('second/gpt-4o');
    expect(upstream.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-revoked', 'Bearer sk-good']);
  });

  it('does not retry or fall back on a 400 invalid_request', async () => {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 2 } } },
    });
    primary.script({ kind: 'error', status: 400, message: "Invalid value for 'temperature'.", param: 'temperature' });
    const failure = await client.chat.completions.create({ model: 'smart', messages }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as Error).message).toContain("Invalid value for 'temperature'.");
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(0);
  });
});

describe('F14: quota 429', () => {
  it('does not back off on insufficient_quota: one attempt, then the fallback', async () => {
    const { primary, backup } = await twoUpstreams();
    const { client } = await scope.gateway({
      upstreams: { primary: primary.url, backup: backup.url },
      aliases: { smart: { targets: fallbackTargets, retry: { maxRetries: 3, baseDelayMs: 1_000 } } },
    });
    primary.script({
      kind: 'error',
      status: 429,
      message: 'You exceeded your current quota, please check your plan and billing details.',
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    });
    const startedAt = performance.now();
    const { data, response } = await client.chat.completions.create({ model: 'smart', messages }).withResponse();

    expect(performance.now() - startedAt).toBeLessThan(500);
    expect(data.model).toBe('gpt-4o-mini');
    expect(response.headers.get('x-switchyard-attempts')).toBe('2');
    expect(primary.requests).toHaveLength(1);
    expect(backup.requests).toHaveLength(1);
  });
});

describe('F19: request deadline', () => {
  it('bounds the total time of slow 500s with retries to the deadline and answers 504 deadline_exceeded', async () => {
    const primary = await scope.fake();
    const deadlineMs = 700;
    const { baseURL } = await scope.gateway({
      upstreams: { primary: primary.url },
      aliases: {
        slow: { targets: [{ model: 'primary/gpt-4o' }], retry: { maxRetries: 10, baseDelayMs: 10 }, timeouts: { deadlineMs } },
      },
    });
    const slow500 = {
      kind: 'json' as const,
      status: 500,
      delayMs: 250,
      body: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } },
    };
    primary.script(...Array.from({ length: 10 }, () => slow500));
    const startedAt = performance.now();
    const response = await postChat(baseURL, { model: 'slow' });
    const elapsed = performance.now() - startedAt;
    const body = (await response.json()) as { error: { code: string } };

    expect(response.status).toBe(504);
    expect(body.error.code).toBe('deadline_exceeded');
    expect(elapsed).toBeLessThanOrEqual(deadlineMs + 100);
    expect(primary.requests.length).toBeGreaterThanOrEqual(2);
    // The last attempt was cut off by the deadline, not left running.
    await waitFor(() => primary.aborts === 1, 1_000, 'the last attempt to be aborted');
  });
});

describe('failover time for a hard-down primary', () => {
  const runs = 5;

  /** Time from sending the request to the fallback's successful answer, each run on a fresh gateway. */
  async function measure(failure: 'refused' | '503', maxRetries: number): Promise<number[]> {
    const times: number[] = [];
    for (let run = 0; run < runs; run++) {
      const backup = await scope.fake();
      let primaryURL = `http://127.0.0.1:${await closedPort()}/v1`;
      if (failure === '503') {
        const primary = await scope.fake();
        primary.script(
          ...Array.from({ length: 1 + maxRetries }, () => ({ kind: 'error' as const, status: 503, message: 'down' })),
        );
        primaryURL = primary.url;
      }
      const { client } = await scope.gateway({
        upstreams: { primary: primaryURL, backup: backup.url },
        aliases: { smart: { targets: fallbackTargets, retry: { maxRetries } } },
      });
      const startedAt = performance.now();
      const completion = await client.chat.completions.create({ model: 'smart', messages });
      times.push(performance.now() - startedAt);
      expect(completion.model).toBe('gpt-4o-mini');
      await scope.closeAll();
    }
    return times;
  }

  function summary(times: readonly number[]): string {
    return `min ${Math.min(...times).toFixed(1)} / median ${median(times).toFixed(1)} / max ${Math.max(...times).toFixed(1)} ms`;
  }

  it('measures connection refused and 503, without and with same-deployment retries', async () => {
    const refusedNoRetry = await measure('refused', 0);
    const refusedRetry = await measure('refused', 2);
    const down503NoRetry = await measure('503', 0);
    const down503Retry = await measure('503', 2);
    console.log(
      [
        `[failover] connection refused, maxRetries 0: ${summary(refusedNoRetry)}`,
        `[failover] connection refused, maxRetries 2 (base 250 ms): ${summary(refusedRetry)}`,
        `[failover] 503, maxRetries 0: ${summary(down503NoRetry)}`,
        `[failover] 503, maxRetries 2 (base 250 ms): ${summary(down503Retry)}`,
      ].join('\n'),
    );
    expect(median(refusedNoRetry)).toBeLessThan(200);
    expect(median(down503NoRetry)).toBeLessThan(200);
    // Two full-jitter waits of at most 250 and 500 ms.
    expect(Math.max(...refusedRetry)).toBeLessThan(1_000);
    expect(Math.max(...down503Retry)).toBeLessThan(1_000);
  });
});
