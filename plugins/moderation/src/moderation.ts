import { type ChatContext, type Logger, type Middleware, primeStream } from '@switchyard/core';
import { type ChatCompletion, isGatewayError, JsonPayload } from '@switchyard/spec';
import { type ChainVerdict, type CheckChain, createCheckChain } from './check-chain.js';
import { moderateStream } from './moderate-stream.js';
import { contentFlagged, type ModerationStage } from './moderation-errors.js';
import { emptyOutcome, type ModerationStageOutcome, type ModerationState } from './moderation-state.js';
import { createModerationsHandler, type ModerationsHandlerOptions } from './moderations-handler.js';
import { defaultRefusal, refusalStream, refuseChoices } from './refusal.js';
import { requestText } from './request-text.js';
import type { FailMode, ModerationCheck } from './verdict.js';

export const moderationHeader = 'x-switchyard-moderation';

const allRoles = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;

export interface InputModerationOptions {
  /** Roles whose messages are checked; default all (a client can write any role into the history). */
  roles?: readonly string[];
}

export interface OutputModerationOptions {
  /**
   * Stream hold-back: the longest flagged phrase that can never reach the client, however it is chunked.
   * Text goes out only once the window containing it, and the next one, have passed. Default 200.
   */
  holdBackChars?: number;
  /** New characters that trigger the next stream check; default `holdBackChars`. Smaller = more checks. */
  windowChars?: number;
}

export interface ModerationOptions {
  /** The chain of checks, run concurrently on each text. */
  checks: readonly ModerationCheck[];
  /** Check the request before any upstream call; default true. */
  input?: boolean | InputModerationOptions;
  /** Check the reply (completions and streams); default true. */
  output?: boolean | OutputModerationOptions;
  /** When a check is down or slower than `timeoutMs`: `closed` (503, default) or `open` (logged, header). */
  failMode?: FailMode;
  /** Default time a check may take; default 2000 ms. */
  timeoutMs?: number;
  /** What a flagged reply is replaced with. */
  refusal?: string;
  /** Serve `POST /v1/moderations` through the gateway (default on); `false` to leave it out. */
  endpoint?: boolean | ModerationsHandlerOptions;
  /** Where outcomes are logged; defaults to the gateway's logger. Logs carry categories, never text. */
  logger?: Logger;
}

/**
 * Input and output moderation as a middleware. A flagged request is refused with a 400 `content_flagged`
 * before any upstream call; a flagged completion is replaced by the refusal; streams are checked in
 * windows with a hold-back (see `moderateStream`). Outcomes go to `context.state.moderation`.
 */
export function moderation({
  checks,
  input = true,
  output = true,
  failMode = 'closed',
  timeoutMs = 2_000,
  refusal = defaultRefusal,
  endpoint = true,
  logger,
}: ModerationOptions): Middleware {
  const chain = createCheckChain({ checks, failMode, timeoutMs });
  const inputOptions = input === false ? undefined : input === true ? {} : input;
  const outputOptions = output === false ? undefined : output === true ? {} : output;
  const roles = new Set<string>(inputOptions?.roles ?? allRoles);
  const holdBackChars = outputOptions?.holdBackChars ?? 200;
  const windowChars = outputOptions?.windowChars ?? holdBackChars;
  if (!(Number.isInteger(holdBackChars) && holdBackChars >= 0))
    throw new Error('moderation: holdBackChars must be an integer ≥ 0.');
  if (!(Number.isInteger(windowChars) && windowChars >= 1)) throw new Error('moderation: windowChars must be an integer ≥ 1.');

  function record(context: ChatContext, stage: ModerationStage, outcome: ModerationStageOutcome, verdict: ChainVerdict): void {
    outcome.checked++;
    for (const category of verdict.categories) if (!outcome.categories.includes(category)) outcome.categories.push(category);
    for (const name of verdict.flaggedBy) if (!outcome.flaggedBy.includes(name)) outcome.flaggedBy.push(name);
    if (verdict.flagged) outcome.flagged = true;
    for (const name of verdict.unavailable) {
      if (outcome.unavailable.includes(name)) continue;
      outcome.unavailable.push(name);
      context.responseHeaders[moderationHeader] = 'unavailable';
      (logger ?? context.log).warn('moderation check unavailable; failing open', {
        requestId: context.requestId,
        stage,
        check: name,
      });
    }
  }

  function report(context: ChatContext, stage: ModerationStage, outcome: ModerationStageOutcome): void {
    const log = logger ?? context.log;
    const level = outcome.flagged ? 'info' : 'debug';
    if (log.isEnabled && !log.isEnabled(level)) return;
    log[level]('moderation', {
      requestId: context.requestId,
      stage,
      action: outcome.action,
      flagged: outcome.flagged,
      categories: outcome.categories.join(',') || undefined,
      flaggedBy: outcome.flaggedBy.join(',') || undefined,
      unavailable: outcome.unavailable.join(',') || undefined,
      checked: outcome.checked,
    });
  }

  async function moderateInput(context: ChatContext): Promise<void> {
    const outcome = emptyOutcome();
    stateOf(context).input = outcome;
    const text = requestText(context.request, roles);
    if (text.trim().length === 0) return;
    const verdict = await chain(text, { signal: context.signal, requestId: context.requestId });
    record(context, 'input', outcome, verdict);
    if (verdict.flagged) outcome.action = 'refused';
    report(context, 'input', outcome);
    if (verdict.flagged) throw contentFlagged('input', verdict.categories);
  }

  async function moderateCompletion(context: ChatContext, outcome: ModerationStageOutcome): Promise<void> {
    const result = context.result;
    if (result?.type !== 'completion') return;
    const completion = result.body.value;
    const flagged = new Set<number>();
    for (const choice of completion.choices) {
      const content = choice.message?.content;
      if (typeof content !== 'string' || content.trim().length === 0) continue;
      const verdict = await chain(content, { signal: context.signal, requestId: context.requestId });
      record(context, 'output', outcome, verdict);
      if (verdict.flagged) flagged.add(choice.index);
    }
    if (flagged.size > 0) {
      outcome.action = 'refused';
      context.responseHeaders[moderationHeader] ??= 'flagged';
      context.result = { ...result, body: JsonPayload.fromValue<ChatCompletion>(refuseChoices(completion, flagged, refusal)) };
    }
    report(context, 'output', outcome);
  }

  async function moderateStreamResult(context: ChatContext, outcome: ModerationStageOutcome): Promise<void> {
    const result = context.result;
    if (result?.type !== 'stream') return;
    const identity: { id?: string; model?: string; created?: number } = {};
    let reported = false;
    const finish = (action: ModerationStageOutcome['action']) => {
      if (reported) return;
      reported = true;
      outcome.action = action;
      report(context, 'output', outcome);
    };
    const moderated = moderateStream(result.parts, {
      chain,
      holdBackChars,
      windowChars,
      signal: context.signal,
      requestId: context.requestId,
      identity,
      onWindow: (verdict) => record(context, 'output', outcome, verdict),
    });
    let sent = false;
    const tracked = (async function* () {
      try {
        for await (const part of moderated) {
          sent = true;
          yield part;
        }
        finish('passed');
      } catch (error) {
        if (sent && isFlagged(error)) finish('stopped');
        throw error;
      }
    })();
    try {
      context.result = { ...result, parts: await primeStream(tracked) };
    } catch (error) {
      if (!isFlagged(error)) throw error;
      // Flagged before anything was sent: the client gets a complete refusal instead of an error.
      finish('refused');
      context.responseHeaders[moderationHeader] ??= 'flagged';
      context.result = { ...result, parts: refusalStream(identity, refusal) };
    }
  }

  return {
    name: 'moderation',
    handlers: endpoint === false ? [] : [createModerationsHandler(endpoint === true ? {} : endpoint)],
    async handle(context, next) {
      if (context.operation !== 'chat') return next();
      if (inputOptions) await moderateInput(context);
      await next();
      if (!outputOptions) return;
      const outcome = emptyOutcome();
      stateOf(context).output = outcome;
      if (context.result?.type === 'stream') await moderateStreamResult(context, outcome);
      else await moderateCompletion(context, outcome);
    },
  };
}

function stateOf(context: ChatContext): ModerationState {
  let state = context.state.moderation;
  if (state === undefined) {
    state = {};
    context.state.moderation = state;
  }
  return state;
}

function isFlagged(error: unknown): boolean {
  return isGatewayError(error) && error.code === 'content_flagged';
}

export type { CheckChain };
