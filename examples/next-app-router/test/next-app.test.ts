import { defineAdapterConformance } from '@switchyard/testkit/conformance';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, type RunningNextApp, startNextApp } from './next-host.js';

// `next build` (about a minute on two cores; skipped when .next holds a build of the same sources) runs
// inside the first suite's beforeAll, hence its long timeout.
const buildTimeoutMs = 240_000;

// The app runs in its own process (`next start`), so the suite's gateway object cannot be handed to it:
// the app builds the same gateway from the environment (OPENAI_BASE_URL, SWITCHYARD_MAX_BODY_BYTES).
defineAdapterConformance({
  name: 'Next.js 15 App Router (next start, app/api/v1/[...path]/route.ts)',
  createGateway: (setup) => setup,
  async start(_gateway, { upstreamUrl, upstreamApiKey, maxBodyBytes }) {
    await ensureBuilt();
    const app = await startNextApp({
      OPENAI_API_KEY: upstreamApiKey,
      OPENAI_BASE_URL: upstreamUrl,
      SWITCHYARD_MAX_BODY_BYTES: String(maxBodyBytes),
    });
    return { url: `${app.origin}/api`, close: () => app.close() };
  },
  startTimeoutMs: buildTimeoutMs,
});

describe('the next-app-router example without OPENAI_API_KEY', () => {
  let app: RunningNextApp;
  let client: OpenAI;
  beforeAll(async () => {
    await ensureBuilt();
    app = await startNextApp({ OPENAI_API_KEY: '' });
    client = new OpenAI({ baseURL: `${app.origin}/api/v1`, apiKey: 'unused', maxRetries: 0 });
  }, buildTimeoutMs);
  afterAll(() => app?.close());

  it('answers and streams mock/echo through the openai SDK', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'hello from next' }],
    });
    expect(completion.choices[0]?.message.content).toBe('echo: hello from next');
    const stream = await client.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'stream from next' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('echo: stream from next');
  });

  it('does not serve openai/ models without a key', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('mock/echo');
    expect(ids.some((id) => id.startsWith('openai/'))).toBe(false);
  });

  it('leaves paths outside the catch-all route to Next', async () => {
    const response = await fetch(`${app.origin}/api/elsewhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-request-id')).toBeNull();
  });
});
