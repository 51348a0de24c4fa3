// @ts-check
import { createGateway } from '@switchyard/core';

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

/**
 * @typedef {object} PipelineOptions
 * @property {import('@switchyard/core').GatewayOptions['providers']} providers
 * @property {Logger} [logger]
 * @property {AttemptCounter} [attemptCounter]
 */

/**
 * The gateway composed in code: middleware outermost first, then the interceptors around dispatch.
 *
 * @param {PipelineOptions} options
 * @returns {{ gateway: Gateway; attemptCounter: AttemptCounter }}
 */
export function createPipelineGateway({ providers, logger, attemptCounter = createAttemptCounter() }) {
  const gateway = createGateway({
    providers,
    logger,
    middleware: [stampHeader, clampTemperature],
    interceptors: [attemptCounter.interceptor],
  });
  return { gateway, attemptCounter };
}

/**
 * Asks the gateway one chat question without any HTTP server: `gateway.fetch` takes a WHATWG Request.
 *
 * @param {Gateway} gateway
 * @param {{ model: string; content: string; temperature?: number }} question
 * @returns {Promise<{ status: number; pipelineHeader: string | null; reply: string | null }>}
 */
export async function askWithoutHttp(gateway, { model, content, temperature }) {
  const response = await gateway.fetch(
    new Request('http://local/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
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
