import { type GatewayError, invalidRequest } from '@switchyard/spec';
import type { z } from 'zod';

/** `['messages', 0, 'role']` → `messages[0].role`, the way OpenAI names a bad parameter. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result === '' ? String(segment) : `.${String(segment)}`;
  }
  return result;
}

/** Validates a decoded body; the first problem becomes a 400 naming the parameter at fault. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw issueToError(parsed.error.issues);
}

function issueToError(issues: readonly z.core.$ZodIssue[]): GatewayError {
  const issue = issues[0];
  if (issue === undefined) return invalidRequest('The request body is invalid.');
  const param = formatIssuePath(issue.path);
  if (param === '') return invalidRequest(`The request body is invalid: ${issue.message}.`, { code: 'invalid_request_body' });
  const missing = issue.code === 'invalid_type' && issue.message.includes('received undefined');
  return invalidRequest(missing ? `Missing required parameter: '${param}'.` : `Invalid value for '${param}': ${issue.message}.`, {
    param,
    code: missing ? 'missing_required_parameter' : 'invalid_value',
  });
}
