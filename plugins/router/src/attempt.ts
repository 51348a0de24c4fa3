import { type Dispatch, type GatewayContext, type GatewayResult, tapAsyncIterable } from '@switchyard/core';
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

/**
 * Aborts the attempt when the upstream stays silent for `idleMs`. Only the upstream's silence counts:
 * the clock runs while the next part is awaited and stops while the consumer holds a part (a slow
 * client applying backpressure pulls nothing).
 */
function guardIdle(
  parts: AsyncIterable<StreamPart>,
  controller: AbortController,
  idleMs: number,
  deploymentId: string,
  release: () => void,
): AsyncIterable<StreamPart> {
  const onIdle = () =>
    controller.abort(
      timeoutError(`The deployment "${deploymentId}" went silent for ${idleMs} ms mid-stream.`, { code: 'stream_idle_timeout' }),
    );
  // One timer per stream, not one per part: it checks how long the current wait has lasted and
  // re-schedules itself for the rest, or stops while nothing is awaited.
  let waitingSince = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    if (waitingSince < 0) return;
    const waited = performance.now() - waitingSince;
    if (waited >= idleMs) onIdle();
    else timer = setTimeout(check, idleMs - waited);
  };
  return tapAsyncIterable(parts, {
    beforeNext() {
      waitingSince = performance.now();
      if (timer === undefined) timer = setTimeout(check, idleMs);
    },
    onValue() {
      waitingSince = -1;
    },
    mapError: (error) => ({ error: controller.signal.aborted ? controller.signal.reason : error }),
    onEnd() {
      waitingSince = -1;
      clearTimeout(timer);
      release();
    },
  });
}
