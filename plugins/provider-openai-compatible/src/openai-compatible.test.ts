import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatRequest, ProviderV1 } from '@switchyard/spec';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAICompatible } from './openai-compatible.js';

interface RecordedRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface RecordingServer {
  baseURL: string;
  requests: RecordedRequest[];
}

const servers: Server[] = [];
const providers: ProviderV1[] = [];

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.close?.()));
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function track(provider: ProviderV1): ProviderV1 {
  providers.push(provider);
  return provider;
}

/** A tiny OpenAI stand-in: records each request and answers a minimal completion or a 2-chunk stream. */
async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (part: string) => {
      text += part;
    });
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      requests.push({ method: request.method, url: request.url, headers: request.headers, body });
      const base = { id: 'chatcmpl-test', created: 1, model: String(body.model) };
      if (body.stream === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const content of ['Hel', 'lo']) {
          const chunk = {
            ...base,
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: { content }, finish_reason: null }],
          };
          response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'upstream-1' });
      response.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseURL: `http://127.0.0.1:${port}/v1`, requests };
}

function chatCall(model: string, request: Partial<ChatRequest> = {}) {
  return {
    model,
    request: { model: `client/${model}`, messages: [{ role: 'user' as const, content: 'Hi' }], ...request },
    signal: new AbortController().signal,
    requestId: 'request-1',
  };
}

function lastRequest(server: RecordingServer): RecordedRequest {
  const recorded = server.requests.at(-1);
  if (!recorded) throw new Error('the server received no request');
  return recorded;
}

describe('createOpenAICompatible preset resolution', () => {
  it('takes the key and base URL from the preset environment variables', async () => {
    const server = await startRecordingServer();
    const provider = track(
      createOpenAICompatible({ preset: 'groq', env: { GROQ_API_KEY: 'gsk-from-env', GROQ_BASE_URL: server.baseURL } }),
    );
    expect(provider.id).toBe('groq');
    expect(provider.models).toContain('llama-3.3-70b-versatile');
    const { body, upstream } = await provider.chat(chatCall('llama-3.3-70b-versatile'));
    expect(body.value.choices[0]?.message.content).toBe('Hello');
    expect(upstream).toEqual({ status: 200, requestId: 'upstream-1' });
    const recorded = lastRequest(server);
    expect(recorded.url).toBe('/v1/chat/completions');
    expect(recorded.headers.authorization).toBe('Bearer gsk-from-env');
    expect(recorded.headers['x-request-id']).toBe('request-1');
  });

  it('throws a clear error naming the variable when a required key is missing', () => {
    expect(() => createOpenAICompatible({ preset: 'groq', env: {} })).toThrow(/GROQ_API_KEY/);
    expect(() => createOpenAICompatible({ preset: 'mistral', env: { MISTRAL_API_KEY: '' } })).toThrow(/MISTRAL_API_KEY/);
    expect(() => createOpenAICompatible({ preset: 'deepseek', env: {} })).toThrow(/DEEPSEEK_API_KEY/);
  });

  it('lets explicit options win over the preset and its environment', async () => {
    const server = await startRecordingServer();
    const provider = track(
      createOpenAICompatible({
        preset: 'openrouter',
        id: 'router',
        baseURL: server.baseURL,
        apiKey: 'sk-or-explicit',
        models: ['only/this'],
        headers: { 'X-Title': 'Switchyard tests' },
        env: { OPENROUTER_API_KEY: 'sk-or-env', OPENROUTER_BASE_URL: 'http://127.0.0.1:1/v1' },
      }),
    );
    expect(provider.id).toBe('router');
    expect(provider.models).toEqual(['only/this']);
    await provider.chat(chatCall('only/this'));
    const recorded = lastRequest(server);
    expect(recorded.headers.authorization).toBe('Bearer sk-or-explicit');
    expect(recorded.headers['x-title']).toBe('Switchyard tests');
  });

  it('runs keyless presets without a key (ollama) and sends an optional key when set (vllm)', async () => {
    const server = await startRecordingServer();
    const ollama = track(createOpenAICompatible({ preset: 'ollama', env: { OLLAMA_BASE_URL: server.baseURL } }));
    await ollama.chat(chatCall('llama3.2'));
    expect(lastRequest(server).headers.authorization).toBeUndefined();
    const vllm = track(
      createOpenAICompatible({ preset: 'vllm', env: { VLLM_BASE_URL: server.baseURL, VLLM_API_KEY: 'token-abc' } }),
    );
    await vllm.chat(chatCall('my-model'));
    expect(lastRequest(server).headers.authorization).toBe('Bearer token-abc');
  });

  it('needs a baseURL without a preset, and validates options', () => {
    expect(() => createOpenAICompatible({ apiKey: 'key' })).toThrow(/baseURL/);
    expect(() => createOpenAICompatible({ baseURL: 'not a url' })).toThrow(/baseURL/);
    expect(() => createOpenAICompatible({ baseURL: 'ftp://example.com/v1' })).toThrow(/http/);
    expect(() => createOpenAICompatible({ preset: 'ollama', env: { OLLAMA_BASE_URL: 'nonsense' } })).toThrow(/OLLAMA_BASE_URL/);
    expect(() => createOpenAICompatible({ preset: 'nope' as 'groq', apiKey: 'key' })).toThrow(/unknown preset "nope"/);
    const custom = track(createOpenAICompatible({ baseURL: 'http://127.0.0.1:1/v1' }));
    expect(custom.id).toBe('openai-compatible');
  });
});

describe('createOpenAICompatible quirks on the wire', () => {
  it('deepseek renames max_completion_tokens, rewrites model and keeps unknown fields', async () => {
    const server = await startRecordingServer();
    const provider = track(createOpenAICompatible({ preset: 'deepseek', baseURL: server.baseURL, apiKey: 'sk-deepseek' }));
    await provider.chat(
      chatCall('deepseek-v4-flash', { max_completion_tokens: 64, seed: 7, metadata: { team: 'a' }, stream: false }),
    );
    const { body } = lastRequest(server);
    expect(body.model).toBe('deepseek-v4-flash');
    expect(body.max_tokens).toBe(64);
    expect(body).not.toHaveProperty('max_completion_tokens');
    expect(body.seed).toBe(7);
    expect(body.metadata).toEqual({ team: 'a' });
    expect(body).not.toHaveProperty('stream');
  });

  it('groq drops logprobs, logit_bias and top_logprobs', async () => {
    const server = await startRecordingServer();
    const provider = track(createOpenAICompatible({ preset: 'groq', baseURL: server.baseURL, apiKey: 'gsk' }));
    await provider.chat(
      chatCall('llama-3.1-8b-instant', { logprobs: true, top_logprobs: 2, logit_bias: { '50256': -100 }, temperature: 0.2 }),
    );
    const { body } = lastRequest(server);
    expect(body).not.toHaveProperty('logprobs');
    expect(body).not.toHaveProperty('top_logprobs');
    expect(body).not.toHaveProperty('logit_bias');
    expect(body.temperature).toBe(0.2);
  });

  it('mistral renames seed and max_completion_tokens and sends no stream_options', async () => {
    const server = await startRecordingServer();
    const provider = track(createOpenAICompatible({ preset: 'mistral', baseURL: server.baseURL, apiKey: 'mistral-key' }));
    await provider.chat(chatCall('mistral-small-latest', { seed: 42, max_completion_tokens: 100 }));
    expect(lastRequest(server).body).toMatchObject({ random_seed: 42, max_tokens: 100 });
    expect(lastRequest(server).body).not.toHaveProperty('seed');

    const { parts } = await provider.streamChat(
      chatCall('mistral-small-latest', { stream: true, stream_options: { include_usage: true } }),
    );
    for await (const _ of parts) {
      // drain
    }
    const { body } = lastRequest(server);
    expect(body.stream).toBe(true);
    expect(body).not.toHaveProperty('stream_options');
  });

  it('streams force stream_options.include_usage and hand on the upstream chunks', async () => {
    const server = await startRecordingServer();
    const provider = track(createOpenAICompatible({ preset: 'together', baseURL: server.baseURL, apiKey: 'together-key' }));
    const { parts, upstream } = await provider.streamChat(
      chatCall('openai/gpt-oss-20b', { stream: true, user: 'someone', metadata: { trace: '1' } }),
    );
    expect(upstream.status).toBe(200);
    const contents: string[] = [];
    for await (const part of parts) contents.push(part.chunk.value.choices[0]?.delta.content ?? '');
    expect(contents.join('')).toBe('Hello');
    const { body } = lastRequest(server);
    expect(body).toMatchObject({
      model: 'openai/gpt-oss-20b',
      stream: true,
      stream_options: { include_usage: true },
      user: 'someone',
      metadata: { trace: '1' },
    });
  });

  it('explicit quirks merge over the preset quirks', async () => {
    const server = await startRecordingServer();
    const provider = track(
      createOpenAICompatible({
        preset: 'groq',
        baseURL: server.baseURL,
        apiKey: 'gsk',
        quirks: { renameParams: { max_completion_tokens: 'max_tokens' } },
      }),
    );
    await provider.chat(chatCall('llama-3.1-8b-instant', { max_completion_tokens: 10, logprobs: true }));
    const { body } = lastRequest(server);
    expect(body.max_tokens).toBe(10);
    expect(body).not.toHaveProperty('logprobs');
  });
});
