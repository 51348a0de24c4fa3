// @ts-check
import { authConfigSchema, authFromConfig } from '@switchyard/auth';
import { configSchema as cacheConfigSchema, cacheFromConfig } from '@switchyard/cache';
import { createGateway, createMemoryLog, createMemoryStore } from '@switchyard/core';
import { costConfigSchema, costFromConfig } from '@switchyard/cost';
import { configSchema as moderationConfigSchema, moderationFromConfig } from '@switchyard/moderation';
import { piiConfigSchema, piiFromConfig } from '@switchyard/pii';
import { rateLimitConfigSchema, rateLimitFromConfig } from '@switchyard/rate-limit';
import { createRouter } from '@switchyard/router';

/**
 * @typedef {import('@switchyard/core').Middleware} Middleware
 * @typedef {import('@switchyard/core').GatewayContext} GatewayContext
 * @typedef {import('@switchyard/core').DispatchInterceptor} DispatchInterceptor
 * @typedef {import('@switchyard/core').Gateway} Gateway
 * @typedef {import('@switchyard/core').Logger} Logger
 */

export const pipelineHeaderValue = 'compose-pipeline';
export const maximumTemperature = 1;

/**
 * The outermost layer. It stamps `x-pipeline` on every answer, and registers the `onFinish` listener that
 * logs usage once the response has been sent (for a stream, once its last chunk is out).
 *
 * @type {Middleware}
 */
export const stampHeader = {
  name: 'stamp-header',
  async handle(context, next) {
    context.log.debug('middleware', { name: 'stamp-header', phase: 'before', requestId: context.requestId });
    context.responseHeaders['x-pipeline'] = pipelineHeaderValue;
    context.onFinish((outcome) => logUsage(context, outcome));
    await next();
    context.log.debug('middleware', { name: 'stamp-header', phase: 'after', requestId: context.requestId });
  },
};

/**
 * Clamps `temperature` of chat requests to at most 1 before the request goes on. `dependsOn` makes
 * `createGateway` refuse a list where this layer comes before `stamp-header`, so every request it
 * handles has the header and the usage listener.
 *
 * @type {Middleware}
 */
export const clampTemperature = {
  name: 'clamp-temperature',
  dependsOn: ['stamp-header'],
  async handle(context, next) {
    context.log.debug('middleware', { name: 'clamp-temperature', phase: 'before', requestId: context.requestId });
    if (context.operation === 'chat') {
      const temperature = context.request.temperature;
      if (typeof temperature === 'number' && temperature > maximumTemperature) {
        context.request = { ...context.request, temperature: maximumTemperature };
        context.log.info('temperature clamped', { requestId: context.requestId, from: temperature, to: maximumTemperature });
      }
    }
    await next();
    context.log.debug('middleware', { name: 'clamp-temperature', phase: 'after', requestId: context.requestId });
  },
};

/**
 * @param {GatewayContext} context
 * @param {import('@switchyard/core').FinishOutcome} outcome
 */
function logUsage(context, outcome) {
  context.log.info('usage', {
    requestId: context.requestId,
    status: outcome.status,
    aborted: outcome.aborted,
    provider: context.result?.providerId,
    model: context.result?.model,
    stream: context.result?.type === 'stream',
    promptTokens: context.usage?.prompt_tokens,
    completionTokens: context.usage?.completion_tokens,
    totalTokens: context.usage?.total_tokens,
  });
}

/**
 * @typedef {object} AttemptCounter
 * @property {DispatchInterceptor} interceptor Wraps dispatch: every call is one attempt at an upstream.
 * @property {() => { attempts: number; failures: number; byTarget: Record<string, number> }} snapshot
 */

/**
 * A dispatch interceptor that counts upstream attempts, in total, failed, and per `provider/model`.
 * Unlike middleware, interceptors may call the inner dispatch many times (retries, fallbacks), so this
 * is where attempts are counted.
 *
 * @returns {AttemptCounter}
 */
export function createAttemptCounter() {
  let attempts = 0;
  let failures = 0;
  /** @type {Map<string, number>} */
  const byTarget = new Map();
  return {
    interceptor: (next) => async (request) => {
      const target = `${request.target.providerId}/${request.target.model}`;
      attempts += 1;
      byTarget.set(target, (byTarget.get(target) ?? 0) + 1);
      try {
        return await next(request);
      } catch (error) {
        failures += 1;
        throw error;
      }
    },
    snapshot: () => ({ attempts, failures, byTarget: Object.fromEntries(byTarget) }),
  };
}

/** Keys of the example (replace with `${ENV}` values or hashes in a real deployment). */
export const exampleKeys = {
  /** Team `web`: no budget, 600 requests a minute. */
  app: process.env.DEMO_APP_KEY ?? 'sk-demo-app-0123456789abcdef',
  /** Team `interns`, whose daily budget ($0.0001) is too small for any request. */
  intern: process.env.DEMO_INTERN_KEY ?? 'sk-demo-intern-0123456789ab',
  /** Team `trial`: two requests a minute. */
  trial: process.env.DEMO_TRIAL_KEY ?? 'sk-demo-trial-0123456789abc',
  /** For `/admin/*` (spend, ledger, budgets, keys, cache). */
  admin: process.env.DEMO_ADMIN_KEY ?? 'sk-demo-admin-0123456789abc',
};

/**
 * The alias with fallback: the first target, then `mock/echo` when it fails. Offline the first target
 * is `mock/error-503`, which always fails, so every answer shows the fallback.
 *
 * @param {ReadonlyArray<{ id: string }>} providers
 * @returns {Record<string, import('@switchyard/router').AliasConfig>}
 */
export function defaultAliases(providers) {
  const primary = providers.some((provider) => provider.id === 'openai') ? 'openai/gpt-4o-mini' : 'mock/error-503';
  return { assistant: { targets: [{ model: primary }, { model: 'mock/echo' }] } };
}

/**
 * @typedef {object} PipelineOptions
 * @property {import('@switchyard/spec').ProviderV1[]} providers
 * @property {Logger} [logger]
 * @property {AttemptCounter} [attemptCounter]
 * @property {Record<string, import('@switchyard/router').AliasConfig>} [aliases] Default: `defaultAliases(providers)`.
 */

/**
 * The whole pipeline composed in code, over one in-memory store, in the order the standalone server
 * uses (`packages/server/src/build-pipeline.ts`):
 *
 * stamp-header → auth → cost → rate-limit → pii → moderation → clamp-temperature → cache → router
 *
 * - auth first: everything after it knows the caller (key, team) and refuses nothing for anonymous users;
 * - cost before rate limits: a budget refusal is cheaper than spending a rate-limit token;
 * - PII before moderation, the cache and the upstream: none of them ever sees an email address;
 * - moderation before the cache: a flagged prompt is refused even when an answer is cached;
 * - clamp-temperature before the cache, so the cache key has the clamped value;
 * - the router last: it turns the alias into deployments, and its interceptor walks them (fallback).
 *
 * @param {PipelineOptions} options
 */
export function createPipelineGateway({ providers, logger, attemptCounter = createAttemptCounter(), aliases }) {
  const store = createMemoryStore();
  const router = createRouter({
    aliases: aliases ?? defaultAliases(providers),
    providers,
    store,
    // No retries on the same deployment: a failure moves straight to the alias's next target.
    retry: { maxRetries: 0 },
  });
  const authMiddleware = authFromConfig(
    authConfigSchema.parse({
      adminKey: exampleKeys.admin,
      keys: [
        { id: 'demo-app', name: 'demo app', team: 'web', key: exampleKeys.app, limits: { rpm: 600 } },
        { id: 'intern', name: 'intern', team: 'interns', key: exampleKeys.intern },
        { id: 'trial', name: 'trial', team: 'trial', key: exampleKeys.trial, limits: { rpm: 2 } },
      ],
    }),
    { store },
  );
  const costMiddleware = costFromConfig(
    costConfigSchema.parse({
      // The mock is not in the bundled price snapshot: price it so its requests are costed too.
      prices: { 'mock/*': { input_mtok: 0.15, output_mtok: 0.6 } },
      budgets: { teams: { interns: [{ window: 'day', usd: 0.0001 }] } },
    }),
    {
      store,
      ledger: createMemoryLog(),
      logger,
      // What a request may cost depends on where it can go: every deployment of an alias.
      resolveTargets: (model) => {
        const deployments = router.deploymentsOf(model);
        if (deployments.length > 0) return deployments;
        const slash = model.indexOf('/');
        return slash === -1 ? [] : [{ providerId: model.slice(0, slash), model: model.slice(slash + 1) }];
      },
      authorizeAdmin: authMiddleware.authorizeAdmin,
      keyBudgets: async (id) => (await authMiddleware.admin.get(id)).budgets,
    },
  );
  const middleware = [
    stampHeader,
    authMiddleware,
    costMiddleware,
    rateLimitFromConfig(rateLimitConfigSchema.parse({}), { store }),
    piiFromConfig(piiConfigSchema.parse({ detectors: { email: 'mask' } }), { logger }),
    moderationFromConfig(moderationConfigSchema.parse({ input: true, output: false, rules: { deny: ['launch codes'] } }), {
      logger,
      providers,
    }),
    clampTemperature,
    cacheFromConfig(cacheConfigSchema.parse({ models: ['assistant'], ttlSeconds: 300 }), {
      store,
      logger,
      authorizeAdmin: authMiddleware.authorizeAdmin,
    }),
    router.middleware,
  ];
  const gateway = createGateway({
    providers,
    logger,
    middleware,
    // The router's interceptor walks the alias's targets; the counter, inside it, sees every attempt.
    interceptors: [router.interceptor, attemptCounter.interceptor],
  });
  return {
    gateway: {
      ...gateway,
      async close() {
        await gateway.close();
        await store.close();
      },
    },
    attemptCounter,
    store,
    cost: costMiddleware,
  };
}

/**
 * Asks the gateway one chat question without any HTTP server: `gateway.fetch` takes a WHATWG Request.
 *
 * @param {Gateway} gateway
 * @param {{ model: string; content: string; temperature?: number; apiKey?: string }} question `apiKey`: a gateway key (default the demo app's).
 * @returns {Promise<{ status: number; pipelineHeader: string | null; reply: string | null }>}
 */
export async function askWithoutHttp(gateway, { model, content, temperature, apiKey = exampleKeys.app }) {
  const response = await gateway.fetch(
    new Request('http://local/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ model, temperature, messages: [{ role: 'user', content }] }),
    }),
  );
  const body = await response.json();
  return {
    status: response.status,
    pipelineHeader: response.headers.get('x-pipeline'),
    reply: response.ok ? (body.choices?.[0]?.message?.content ?? null) : (body.error?.message ?? null),
  };
}
