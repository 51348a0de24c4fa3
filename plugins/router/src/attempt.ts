import type { Dispatch, GatewayContext, GatewayResult } from '@switchyard/core';
import { type StreamPart, timeoutError } from '@switchyard/spec';
import type { CompiledDeployment } from './compile-routes.js';
import type { DeploymentStats } from './deployment-stats.js';

export interface AttemptTimeouts {
  firstTokenMs: number;
  idleMs: number;
  responseMs: number;
}

export interface AttemptOptions {
  next: Dispatch;
  context: GatewayContext;
  deployment: CompiledDeployment;
  /** Aborts on client disconnect or the request deadline. */
  signal: AbortSignal;
  timeouts: AttemptTimeouts;
  stats: DeploymentStats;
}

/**
 * One call to one deployment under its own abort controller: cut off when the first token (streams) or
 * the whole answer (non-streaming) takes too long, and, once streaming, when the upstream goes silent
 * for longer than `idleMs`. Tracks latency and requests in flight.
 */
export async function attemptDeployment({
  next,
  context,
  deployment,
  signal,
  timeouts,
  stats,
}: AttemptOptions): Promise<GatewayResult> {
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  const streaming = context.operation === 'chat' && context.request.stream === true;
  const limitMs = streaming ? timeouts.firstTokenMs : timeouts.responseMs;
  const timer = setTimeout(
    () =>
      controller.abort(
        timeoutError(
          streaming
            ? `The deployment "${deployment.id}" sent no first token within ${limitMs} ms.`
            : `The deployment "${deployment.id}" did not answer within ${limitMs} ms.`,
          { code: streaming ? 'first_token_timeout' : 'upstream_timeout' },
        ),
      ),
    limitMs,
  );
  const startedAt = performance.now();
  stats.begin(deployment.id);
  let handedOff = false;
  const release = () => {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
    stats.end(deployment.id);
  };
  try {
    const result = await next({ context, target: deployment.target, signal: controller.signal });
    stats.recordLatency(deployment.id, performance.now() - startedAt);
    if (result.type !== 'stream') return result;
    clearTimeout(timer);
    handedOff = true;
    return { ...result, parts: guardIdle(result.parts, controller, timeouts.idleMs, deployment.id, release) };
  } catch (error) {
    // A timeout aborts the provider's call, which rethrows the abort reason: the timeout error itself.
    throw controller.signal.aborted && !signal.aborted ? controller.signal.reason : error;
  } finally {
    if (!handedOff) release();
  }
}

async function* guardIdle(
  parts: AsyncIterable<StreamPart>,
  controller: AbortController,
  idleMs: number,
  deploymentId: string,
  release: () => void,
): AsyncGenerator<StreamPart> {
  const arm = () =>
    setTimeout(
      () =>
        controller.abort(
          timeoutError(`The deployment "${deploymentId}" went silent for ${idleMs} ms mid-stream.`, {
            code: 'stream_idle_timeout',
          }),
        ),
      idleMs,
    );
  let timer = arm();
  try {
    for await (const part of parts) {
      // Only the upstream's silence counts: while the consumer holds a part (a slow client, backpressure)
      // nothing is pulled, so the clock stops until the next part is asked for.
      clearTimeout(timer);
      yield part;
      timer = arm();
    }
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
    release();
  }
}
