import { z } from 'zod';

/**
 * Anthropic accepts `string | Block[]` for message content, `system` and tool results. A string is read
 * as one text block before validation, so there is no union and a bad block is reported at its own path
 * (`messages[0].content[1].type`) rather than as "invalid input" on the whole field.
 */
function stringAsTextBlocks(value: unknown): unknown {
  return typeof value === 'string' ? [{ type: 'text', text: value }] : value;
}

/** A better message than "expected array" for a field that also takes a string; `undefined` keeps zod's. */
function stringOrBlocksError(issue: { input?: unknown }): string | undefined {
  return issue.input === undefined ? undefined : 'expected a string or an array of content blocks';
}

function blocks<T extends z.ZodType>(block: T) {
  return z.preprocess(stringAsTextBlocks, z.array(block, { error: stringOrBlocksError }));
}

export const anthropicTextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: z.unknown().optional(),
});

const base64SourceSchema = z.looseObject({ type: z.literal('base64'), media_type: z.string().min(1), data: z.string().min(1) });
const urlSourceSchema = z.looseObject({ type: z.literal('url'), url: z.string().min(1) });

export const anthropicImageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64SourceSchema, urlSourceSchema]),
  cache_control: z.unknown().optional(),
});

export const anthropicDocumentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: z.discriminatedUnion('type', [
    base64SourceSchema,
    z.looseObject({ type: z.literal('text'), media_type: z.string().optional(), data: z.string() }),
  ]),
  title: z.string().nullable().optional(),
  cache_control: z.unknown().optional(),
});

export const anthropicToolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.unknown(),
});

export const anthropicToolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: blocks(z.discriminatedUnion('type', [anthropicTextBlockSchema, anthropicImageBlockSchema])).optional(),
  is_error: z.boolean().nullable().optional(),
});

const thinkingBlockSchema = z.looseObject({ type: z.literal('thinking'), thinking: z.string() });
const redactedThinkingBlockSchema = z.looseObject({ type: z.literal('redacted_thinking') });

export const anthropicContentBlockSchema = z.discriminatedUnion('type', [
  anthropicTextBlockSchema,
  anthropicImageBlockSchema,
  anthropicDocumentBlockSchema,
  anthropicToolUseBlockSchema,
  anthropicToolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: blocks(anthropicContentBlockSchema),
});

export const anthropicToolSchema = z.looseObject({
  name: z.string().min(1),
  /** Absent or `custom` for client tools; Anthropic server tools (`web_search_20250305`, …) carry a dated type. */
  type: z.string().nullable().optional(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
});

const parallelFlag = { disable_parallel_tool_use: z.boolean().optional() };

export const anthropicToolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), ...parallelFlag }),
  z.looseObject({ type: z.literal('any'), ...parallelFlag }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), ...parallelFlag }),
  z.looseObject({ type: z.literal('none') }),
]);

export const anthropicThinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().nonnegative() }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('adaptive') }),
  z.looseObject({ type: z.literal('between_tools') }),
]);

export const anthropicOutputConfigSchema = z.looseObject({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullable().optional(),
  format: z
    .looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
    .nullable()
    .optional(),
});

/**
 * An Anthropic Messages request (`POST /v1/messages`). Fields the gateway maps are checked; the objects are
 * loose, so unknown fields do not fail validation (they are dropped by the decoder, see
 * `unmappedAnthropicFields`).
 */
export const anthropicRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z.array(anthropicMessageSchema).min(1),
  system: blocks(anthropicTextBlockSchema).optional(),
  tools: z.array(anthropicToolSchema).optional(),
  tool_choice: anthropicToolChoiceSchema.optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().nullable().optional(),
  top_p: z.number().nullable().optional(),
  top_k: z.number().int().nonnegative().nullable().optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
  stream: z.boolean().optional(),
  thinking: anthropicThinkingSchema.optional(),
  output_config: anthropicOutputConfigSchema.optional(),
});

export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;
export type AnthropicMessageParam = z.infer<typeof anthropicMessageSchema>;
export type AnthropicContentBlockParam = z.infer<typeof anthropicContentBlockSchema>;
export type AnthropicToolResultBlockParam = z.infer<typeof anthropicToolResultBlockSchema>;
export type AnthropicTextBlockParam = z.infer<typeof anthropicTextBlockSchema>;
export type AnthropicImageBlockParam = z.infer<typeof anthropicImageBlockSchema>;
export type AnthropicToolParam = z.infer<typeof anthropicToolSchema>;
export type AnthropicToolChoiceParam = z.infer<typeof anthropicToolChoiceSchema>;
export type AnthropicThinkingParam = z.infer<typeof anthropicThinkingSchema>;
export type AnthropicOutputConfigParam = z.infer<typeof anthropicOutputConfigSchema>;
