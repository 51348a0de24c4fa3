import type { ServiceHandler, ServiceRequest } from '@switchyard/core';
import { invalidRequest } from '@switchyard/spec';
import type { KeyAdmin } from './key-admin.js';

/**
 * The key admin API, guarded by the admin key:
 * `POST /admin/keys`, `GET /admin/keys`, `GET|PATCH|DELETE /admin/keys/:id`,
 * `POST /admin/keys/:id/revoke`, `POST /admin/keys/:id/rotate` (`{ "graceSeconds": 3600 }`).
 */
export function adminHandlers(admin: KeyAdmin, authorize: (request: ServiceRequest) => void): ServiceHandler[] {
  const guarded = (
    method: ServiceHandler['method'],
    path: ServiceHandler['path'],
    handle: ServiceHandler['handle'],
  ): ServiceHandler => ({
    method,
    path,
    handle(request) {
      authorize(request);
      return handle(request);
    },
  });
  const one = /^\/admin\/keys\/(?<id>[a-z0-9-]{1,64})$/;
  const id = (request: ServiceRequest) => request.parameters.id ?? '';
  return [
    guarded('POST', '/admin/keys', async (request) => ({ status: 201, body: await admin.create(objectBody(request) as never) })),
    guarded('GET', '/admin/keys', async () => ({ body: { object: 'list', data: await admin.list() } })),
    guarded('GET', one, async (request) => ({ body: await admin.get(id(request)) })),
    guarded('PATCH', one, async (request) => ({ body: await admin.update(id(request), objectBody(request)) })),
    guarded('DELETE', one, async (request) => {
      await admin.delete(id(request));
      return { body: { id: id(request), deleted: true } };
    }),
    guarded('POST', /^\/admin\/keys\/(?<id>[a-z0-9-]{1,64})\/revoke$/, async (request) => ({
      body: await admin.revoke(id(request)),
    })),
    guarded('POST', /^\/admin\/keys\/(?<id>[a-z0-9-]{1,64})\/rotate$/, async (request) => {
      const body = request.headers['content-length'] === '0' ? {} : optionalBody(request);
      const grace = body.graceSeconds;
      if (grace !== undefined && typeof grace !== 'number') {
        throw invalidRequest('graceSeconds must be a number.', { code: 'invalid_grace', param: 'graceSeconds' });
      }
      return { body: await admin.rotate(id(request), grace) };
    }),
  ];
}

function objectBody(request: ServiceRequest): Record<string, unknown> {
  const body = request.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The body must be a JSON object.', { code: 'invalid_body' });
  }
  return body as Record<string, unknown>;
}

/** A JSON object body, or `{}` when the request has none. */
function optionalBody(request: ServiceRequest): Record<string, unknown> {
  try {
    return objectBody(request);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'missing_body') return {};
    throw error;
  }
}
