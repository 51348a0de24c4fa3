import type { ServiceHandler, ServiceRequest, Store } from '@switchyard/core';
import { invalidRequest, notFound } from '@switchyard/spec';
import { z } from 'zod';
import type { Assignment } from './record-outcome.js';
import { assignmentKey, type CounterField, feedbackKey, feedbackScript, variantKey } from './store-layout.js';

/** The body of `POST /v1/feedback`. Unknown fields are ignored. */
export const feedbackBodySchema = z
  .object({
    request_id: z.string().min(1).max(200),
    /** Any finite number on the scale you choose (e.g. 1–5); compared between variants by mean. */
    score: z.number().finite().min(-1e6).max(1e6).optional(),
    thumbs: z.enum(['up', 'down']).optional(),
    comment: z.string().max(4_000).optional(),
  })
  .refine((body) => body.score !== undefined || body.thumbs !== undefined, {
    message: 'give a `score` or `thumbs`',
    path: ['score'],
  });

export type FeedbackBody = z.infer<typeof feedbackBodySchema>;

export interface FeedbackHandlerOptions {
  store: Store;
  /** How long the "already counted" marker lives; the assignment it depends on expires after the same time. */
  markerTtlMs?: number;
  authorize?: ((request: ServiceRequest) => void | Promise<void>) | undefined;
}

/**
 * `POST /v1/feedback`: a score and/or thumbs for a response that an experiment served, attributed to its
 * variant through the request id. 404 for ids that no experiment served (or whose record expired), 400
 * for bad bodies. Idempotent per request id: the first feedback counts; repeats answer 200 with
 * `"recorded": false` and change nothing.
 */
export function feedbackHandler({
  store,
  markerTtlMs = 7 * 24 * 60 * 60 * 1000,
  authorize,
}: FeedbackHandlerOptions): ServiceHandler {
  return {
    method: 'POST',
    path: '/v1/feedback',
    async handle(request) {
      await authorize?.(request);
      const body = parseBody(request.json());
      const stored = await store.get(assignmentKey(body.request_id));
      const assignment = stored === undefined ? undefined : parseAssignment(stored);
      if (!assignment) {
        throw notFound('No experiment served a request with this id (or its feedback window has closed).', {
          code: 'unknown_request_id',
          param: 'request_id',
        });
      }
      const keys = [feedbackKey(assignment.experiment, body.request_id)];
      const amounts: string[] = [];
      const add = (field: CounterField, amount: number) => {
        keys.push(variantKey(assignment.experiment, assignment.variant, field));
        amounts.push(String(amount));
      };
      add('feedback', 1);
      if (body.score !== undefined) {
        add('scoreCount', 1);
        add('scoreSum', body.score);
        add('scoreSumSquares', body.score * body.score);
      }
      if (body.thumbs === 'up') add('thumbsUp', 1);
      if (body.thumbs === 'down') add('thumbsDown', 1);
      if (body.comment !== undefined && body.comment.length > 0) add('comments', 1);
      // The marker keeps the feedback itself (comment included) for as long as the request id is open.
      const marker = JSON.stringify({ ...body, at: new Date().toISOString() });
      const counted = await store.run(feedbackScript, keys, [marker, String(markerTtlMs), ...amounts]);
      return {
        status: 200,
        body: {
          object: 'feedback',
          request_id: body.request_id,
          experiment: assignment.experiment,
          variant: assignment.variant,
          recorded: Number(counted) === 1,
        },
      };
    },
  };
}

function parseBody(value: unknown): FeedbackBody {
  const parsed = feedbackBodySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  // Name the field and what was expected; never echo the value.
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : undefined;
  const expectations: Record<string, string> = {
    request_id: '`request_id` must be the id of a response (a non-empty string, the `x-request-id` header).',
    score: '`score` must be a finite number.',
    thumbs: '`thumbs` must be "up" or "down".',
    comment: '`comment` must be a string of at most 4000 characters.',
  };
  const message =
    issue?.code === 'custom'
      ? 'Feedback needs a `score` or `thumbs`.'
      : ((field !== undefined ? expectations[field] : undefined) ??
        'The body must be a JSON object with `request_id` and a `score` or `thumbs`.');
  throw invalidRequest(message, { code: 'invalid_feedback', param: field ?? null });
}

function parseAssignment(stored: string): Assignment | undefined {
  try {
    const value = JSON.parse(stored) as Partial<Assignment>;
    return typeof value.experiment === 'string' && typeof value.variant === 'string'
      ? { experiment: value.experiment, variant: value.variant }
      : undefined;
  } catch {
    return undefined;
  }
}
