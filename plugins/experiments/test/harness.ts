/**
 * Fakes and gateways for the experiments tests: fake OpenAI upstreams behind openai-compatible providers,
 * a gateway with the experiments middleware, and helpers to send chat requests and wait for the counts
 * written after each response.
 */
import { createGateway, type Gateway, type Middleware, silentLogger } from '@switchyard/core';
import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import type { ProviderV1 } from '@switchyard/spec';
import { type FakeOpenAI, startFakeOpenAI } from '@switchyard/testkit';
import { expect, vi } from 'vitest';
import { type ExperimentReport, type ExperimentsMiddleware, type ExperimentsOptions, experiments } from '../src/index.js';

export interface Upstreams {
  alpha: FakeOpenAI;
  beta: FakeOpenAI;
  close(): Promise<void>;
}

export async function startUpstreams(): Promise<Upstreams> {
  const alpha = await startFakeOpenAI();
  const beta = await startFakeOpenAI();
  return {
    alpha,
    beta,
    async close() {
      await Promise.all([alpha.close(), beta.close()]);
    },
  };
}

export function providersFor(upstreams: Upstreams): ProviderV1[] {
  return [
    createOpenAICompatibleProvider({ id: 'alpha', baseURL: upstreams.alpha.url, http: { connectTimeoutMs: 1_000 } }),
    createOpenAICompatibleProvider({ id: 'beta', baseURL: upstreams.beta.url, http: { connectTimeoutMs: 1_000 } }),
  ];
}

/** control → alpha/gpt-4o-mini, treatment → beta/gpt-4o with temperature 0.1 and a prompt prefix. */
export const twoArms = {
  alias: 'chat',
  variants: {
    control: { model: 'alpha/gpt-4o-mini' },
    treatment: { model: 'beta/gpt-4o', params: { temperature: 0.1 }, systemPrefix: 'Answer in one line.' },
  },
  control: 'control',
} as const;

export interface TestGateway {
  gateway: Gateway;
  middleware: ExperimentsMiddleware;
  /** What later middleware saw: the state and route the experiment left. */
  seen: Array<{ experiment?: { name: string; variant: string }; routed?: string; model: string }>;
}

export function gatewayWith(
  providers: readonly ProviderV1[],
  options: ExperimentsOptions,
  { before = [], after = [] }: { before?: Middleware[]; after?: Middleware[] } = {},
): TestGateway {
  const middleware = experiments({ providers, ...options });
  const seen: TestGateway['seen'] = [];
  const observer: Middleware = {
    name: 'observer',
    async handle(context, next) {
      const target = context.route?.targets[0];
      seen.push({
        ...(context.state.experiment ? { experiment: { ...context.state.experiment } } : {}),
        ...(target ? { routed: `${target.providerId}/${target.model}` } : {}),
        model: context.request.model,
      });
      await next();
    },
  };
  const gateway = createGateway({ providers, middleware: [...before, middleware, observer, ...after], logger: silentLogger });
  return { gateway, middleware, seen };
}

export interface ChatOptions {
  user?: string;
  headers?: Record<string, string>;
  model?: string;
  body?: Record<string, unknown>;
}

export async function chat(
  gateway: Gateway,
  { user, headers = {}, model = 'chat', body = {} }: ChatOptions = {},
): Promise<Response> {
  return gateway.fetch(
    new Request('http://gateway.test/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        model,
        messages: [{ role: 'user', content: 'hello there' }],
        ...(user !== undefined ? { user } : {}),
        ...body,
      }),
    }),
  );
}

export async function postFeedback(gateway: Gateway, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return gateway.fetch(
    new Request('http://gateway.test/v1/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

/** Waits until the background writes have counted `requests` requests in total. */
export async function reportAfter(
  middleware: Pick<ExperimentsMiddleware, 'report'>,
  name: string,
  requests: number,
): Promise<ExperimentReport> {
  let report: ExperimentReport | undefined;
  await vi.waitFor(
    async () => {
      report = await middleware.report(name);
      expect(report.variants.reduce((sum, variant) => sum + variant.requests, 0)).toBe(requests);
    },
    { timeout: 5_000, interval: 10 },
  );
  return report as ExperimentReport;
}
