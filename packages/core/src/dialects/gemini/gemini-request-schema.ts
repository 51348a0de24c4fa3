import { z } from 'zod';

const jsonObject = z.record(z.string(), z.unknown());

export const geminiPartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string().min(1), data: z.string().min(1) }).optional(),
  fileData: z.looseObject({ fileUri: z.string().min(1), mimeType: z.string().optional() }).optional(),
  functionCall: z
    .looseObject({ name: z.string().min(1), args: jsonObject.nullable().optional(), id: z.string().optional() })
    .optional(),
  functionResponse: z
    .looseObject({ name: z.string().min(1), response: jsonObject.nullable().optional(), id: z.string().optional() })
    .optional(),
});

export const geminiContentSchema = z.looseObject({
  /** `function` is the legacy role of function responses; it is read as `user`. A missing role is `user`. */
  role: z.enum(['user', 'model', 'function']).optional(),
  parts: z.array(geminiPartSchema),
});

/** `systemInstruction` is a Content; a bare string (some clients send one) is read as one text part. */
const systemInstructionSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { parts: [{ text: value }] } : value),
  z.looseObject({ parts: z.array(geminiPartSchema) }),
);

export const geminiFunctionDeclarationSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: jsonObject.nullable().optional(),
  parametersJsonSchema: jsonObject.nullable().optional(),
});

export const geminiToolSchema = z.looseObject({
  functionDeclarations: z.array(geminiFunctionDeclarationSchema).optional(),
});

export const geminiToolConfigSchema = z.looseObject({
  functionCallingConfig: z
    .looseObject({
      mode: z.enum(['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']).optional(),
      allowedFunctionNames: z.array(z.string().min(1)).optional(),
    })
    .optional(),
});

export const geminiGenerationConfigSchema = z.looseObject({
  temperature: z.number().nullable().optional(),
  topP: z.number().nullable().optional(),
  topK: z.number().nullable().optional(),
  maxOutputTokens: z.number().int().positive().nullable().optional(),
  stopSequences: z.array(z.string()).nullable().optional(),
  candidateCount: z.number().int().positive().nullable().optional(),
  seed: z.number().int().nullable().optional(),
  presencePenalty: z.number().nullable().optional(),
  frequencyPenalty: z.number().nullable().optional(),
  responseMimeType: z.string().nullable().optional(),
  responseSchema: jsonObject.nullable().optional(),
  responseJsonSchema: jsonObject.nullable().optional(),
  thinkingConfig: z
    .looseObject({
      thinkingBudget: z.number().int().min(-1).nullable().optional(),
      thinkingLevel: z.enum(['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH']).nullable().optional(),
      includeThoughts: z.boolean().nullable().optional(),
    })
    .nullable()
    .optional(),
});

/**
 * A Gemini `generateContent` / `streamGenerateContent` body (the model is in the URL). Objects are loose:
 * unknown fields pass validation and are dropped by the decoder (see `unmappedGeminiFields`).
 */
export const geminiRequestSchema = z.looseObject({
  contents: z.array(geminiContentSchema).min(1),
  systemInstruction: systemInstructionSchema.optional(),
  tools: z.array(geminiToolSchema).optional(),
  toolConfig: geminiToolConfigSchema.optional(),
  generationConfig: geminiGenerationConfigSchema.optional(),
  cachedContent: z.string().optional(),
});

export type GeminiRequest = z.infer<typeof geminiRequestSchema>;
export type GeminiPartParam = z.infer<typeof geminiPartSchema>;
export type GeminiContentParam = z.infer<typeof geminiContentSchema>;
export type GeminiToolParam = z.infer<typeof geminiToolSchema>;
export type GeminiToolConfigParam = z.infer<typeof geminiToolConfigSchema>;
export type GeminiGenerationConfigParam = z.infer<typeof geminiGenerationConfigSchema>;
