import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderV1 } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIProvider, openAIDefaultModels } from './openai-provider.js';
import { openAIProviderFromEnv } from './openai-provider-from-env.js';

interface RecordedRequest {
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const servers: Server[] = [];
const providers: ProviderV1[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close?.()));
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function track(provider: ProviderV1 | undefined): ProviderV1 {
  if (!provider) throw new Error('expected a provider');
  providers.push(provider);
  return provider;
}

/** Records each request; answers a minimal chat.completion or an embeddings list. */
async function startRecordingServer(): Promise<{ baseURL: string; requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (part: string) => {
      text += part;
    });
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      requests.push({ url: request.url, headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' });
      const answer = request.url?.endsWith('/embeddings')
        ? {
            object: 'list',
            data: [{ object: 'embedding', index: 0, embedding: [0.5] }],
            model: body.model,
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }
        : {
            id: 'chatcmpl-test',
            object: 'chat.completion',
            created: 1,
            model: body.model,
            choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          };
      response.end(JSON.stringify(answer));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, requests };
}

const chatCall = {
  model: 'gpt-4o-mini',
  request: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hi' }], seed: 3 },
  signal: new AbortController().signal,
  requestId: 'request-1',
};

describe('createOpenAIProvider', () => {
  it('sends the key, organisation and project headers to the base URL', async () => {
    const server = await startRecordingServer();
    const provider = track(
      createOpenAIProvider({ apiKey: 'sk-test-key', baseURL: server.baseURL, organization: 'org-123', project: 'proj_456' }),
    );
    expect(provider.id).toBe('openai');
    expect(provider.models).toEqual(openAIDefaultModels);
    const { body } = await provider.chat(chatCall);
    expect(body.value.choices[0]?.message.content).toBe('ok');
    const recorded = server.requests[0];
    expect(recorded?.url).toBe('/v1/chat/completions');
    expect(recorded?.headers.authorization).toBe('Bearer sk-test-key');
    expect(recorded?.headers['openai-organization']).toBe('org-123');
    expect(recorded?.headers['openai-project']).toBe('proj_456');
    expect(recorded?.body).toMatchObject({ model: 'gpt-4o-mini', seed: 3 });
  });

  it('sends no organisation or project header when not configured, and embeds', async () => {
    const server = await startRecordingServer();
    const provider = track(createOpenAIProvider({ apiKey: 'sk-test-key', baseURL: server.baseURL, id: 'oa', models: ['x'] }));
    expect(provider.id).toBe('oa');
    expect(provider.models).toEqual(['x']);
    const result = await provider.embed?.({
      model: 'text-embedding-3-small',
      request: { model: 'oa/text-embedding-3-small', input: 'hello' },
      signal: new AbortController().signal,
      requestId: 'request-2',
    });
    expect(result?.body.value.data[0]?.embedding).toEqual([0.5]);
    const recorded = server.requests[0];
    expect(recorded?.url).toBe('/v1/embeddings');
    expect(recorded?.headers).not.toHaveProperty('openai-organization');
    expect(recorded?.headers).not.toHaveProperty('openai-project');
  });

  it('throws a clear error at construction without an API key', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => createOpenAIProvider()).toThrow(/OPENAI_API_KEY/);
      expect(() => createOpenAIProvider({ apiKey: '' })).toThrow(/OPENAI_API_KEY/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('rejects a malformed base URL', () => {
    expect(() => createOpenAIProvider({ apiKey: 'sk-test-key', baseURL: 'not a url' })).toThrow(/baseURL/);
  });
});

describe('openAIProviderFromEnv', () => {
  it('is undefined without OPENAI_API_KEY', () => {
    expect(openAIProviderFromEnv({})).toBeUndefined();
    expect(openAIProviderFromEnv({ OPENAI_API_KEY: '' })).toBeUndefined();
  });

  it('reads the key, base URL, organisation and project from the environment', async () => {
    const server = await startRecordingServer();
    const provider = track(
      openAIProviderFromEnv({
        OPENAI_API_KEY: 'sk-env-key',
        OPENAI_BASE_URL: server.baseURL,
        OPENAI_ORG_ID: 'org-env',
        OPENAI_PROJECT_ID: 'proj-env',
      }),
    );
    await provider.chat(chatCall);
    const recorded = server.requests[0];
    expect(recorded?.headers.authorization).toBe('Bearer sk-env-key');
    expect(recorded?.headers['openai-organization']).toBe('org-env');
    expect(recorded?.headers['openai-project']).toBe('proj-env');
  });
});
