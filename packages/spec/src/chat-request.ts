import { z } from 'zod';

/**
 * Content part of a chat message (text, image_url, input_audio, file, ...). Only `type` is checked;
 * every other field passes through untouched so new part kinds keep working.
 */
export const contentPartSchema = z.looseObject({ type: z.string() });

export const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string(),
        type: z.string(),
        function: z.looseObject({ name: z.string(), arguments: z.string() }).optional(),
      }),
    )
    .optional(),
});

export const toolSchema = z.looseObject({
  type: z.string(),
  function: z
    .looseObject({
      name: z.string(),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    })
    .optional(),
});

const stopSchema = z.union([z.string(), z.array(z.string()), z.null()]);

/**
 * The canonical chat request: the OpenAI Chat Completions body. The schema checks the fields the gateway
 * reads and keeps every other field (`seed`, `metadata`, `service_tier`, anything new) for the upstream.
 */
export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: z.union([z.string(), z.looseObject({ type: z.string() })]).optional(),
  temperature: z.number().nullable().optional(),
  top_p: z.number().nullable().optional(),
  n: z.number().int().positive().nullable().optional(),
  max_tokens: z.number().int().nonnegative().nullable().optional(),
  max_completion_tokens: z.number().int().nonnegative().nullable().optional(),
  stop: stopSchema.optional(),
  response_format: z.looseObject({ type: z.string() }).optional(),
  user: z.string().optional(),
});

export type ContentPart = z.infer<typeof contentPartSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type Tool = z.infer<typeof toolSchema>;
export type ChatRequest = z.infer<typeof chatRequestSchema>;
