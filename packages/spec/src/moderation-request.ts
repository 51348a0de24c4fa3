import { z } from 'zod';

/** One item of a multi-modal moderation input: `{type:'text',text}` or `{type:'image_url',image_url:{url}}`. */
export const moderationInputPartSchema = z.looseObject({ type: z.string() });

/** The canonical moderation request: the OpenAI `/v1/moderations` body, unknown fields kept. */
export const moderationRequestSchema = z.looseObject({
  /** Optional on OpenAI's API (it defaults to `omni-moderation-latest`); a gateway needs it to route. */
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(moderationInputPartSchema).min(1)]),
});

export type ModerationRequest = z.infer<typeof moderationRequestSchema>;

/** One result of `/v1/moderations`, per input item (OpenAI's `Moderation` object). */
export interface ModerationResultItem {
  flagged: boolean;
  /** Category name (`violence`, `self-harm/intent`, ...) → whether it is flagged. */
  categories: Record<string, boolean | null>;
  /** Category name → score in [0, 1]. */
  category_scores: Record<string, number>;
  /** Category name → the input types (`text`, `image`) the score applies to. */
  category_applied_input_types?: Record<string, string[]>;
  [key: string]: unknown;
}

/** The canonical moderation response: OpenAI's `ModerationCreateResponse`, unknown fields kept. */
export interface ModerationResponse {
  id: string;
  model: string;
  results: ModerationResultItem[];
  [key: string]: unknown;
}
