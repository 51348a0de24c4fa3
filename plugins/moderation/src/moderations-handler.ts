import type { ServiceHandler } from '@switchyard/core';
import { invalidRequest, moderationRequestSchema } from '@switchyard/spec';

export interface ModerationsHandlerOptions {
  /** Used when the client sends no `model` (OpenAI's API allows that); default `omni-moderation-latest`. */
  defaultModel?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `POST /v1/moderations` through the gateway, in OpenAI's wire format. The model resolves like a chat
 * model (`provider/model`, a core alias, or a bare `omni-moderation-*` name for the `openai` provider) and
 * the provider that serves it answers through its `moderate()`; its body is passed on as it came.
 */
export function createModerationsHandler({
  defaultModel = 'omni-moderation-latest',
}: ModerationsHandlerOptions = {}): ServiceHandler {
  return {
    method: 'POST',
    path: '/v1/moderations',
    async handle(request) {
      const body = request.json();
      const withModel = isRecord(body) && body.model === undefined ? { ...body, model: defaultModel } : body;
      const parsed = moderationRequestSchema.safeParse(withModel);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const param = issue?.path.join('.') || null;
        throw invalidRequest(`Invalid moderation request${param ? ` at '${param}'` : ''}: ${issue?.message ?? 'bad body'}.`, {
          code: 'invalid_request',
          param,
        });
      }
      const target = request.registry.resolve(parsed.data.model).targets[0];
      if (!target?.provider.moderate) {
        throw invalidRequest(`Moderation is not offered by the provider of "${parsed.data.model.slice(0, 200)}".`, {
          code: 'unsupported_operation',
          param: 'model',
        });
      }
      const result = await target.provider.moderate({
        model: target.model,
        request: parsed.data,
        signal: request.signal,
        requestId: request.requestId,
      });
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-switchyard-provider': target.providerId },
        body: result.body.text,
      };
    },
  };
}
