import { createMockProvider } from '@switchyard/provider-mock';
import { invalidRequest } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { createGateway } from './gateway.js';
import { silentLogger } from './logger.js';
import type { Middleware } from './middleware.js';
import type { ServiceHandler } from './service-handler.js';

const echoHandler: ServiceHandler = {
  method: 'POST',
  path: '/admin/echo',
  handle: (request) => ({ status: 201, body: { got: request.json(), query: request.query.get('q') } }),
};
const itemHandler: ServiceHandler = {
  method: 'DELETE',
  path: /^\/admin\/items\/(?<id>[^/]+)$/,
  handle: (request) => ({ body: { deleted: request.parameters.id } }),
};
const failing: ServiceHandler = {
  method: 'GET',
  path: '/admin/fail',
  handle: () => {
    throw invalidRequest('No such report.', { code: 'unknown_report' });
  },
};
const crashing: ServiceHandler = {
  method: 'GET',
  path: '/admin/crash',
  handle: () => {
    throw new Error('secret internals at /srv/app.js:12');
  },
};
const csv: ServiceHandler = {
  method: 'GET',
  path: '/admin/report.csv',
  handle: () => ({ headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' }),
};

function gateway() {
  const fromMiddleware: Middleware = {
    name: 'with-handler',
    handlers: [itemHandler],
    handle: (_context, next) => next(),
  };
  return createGateway({
    providers: [createMockProvider()],
    handlers: [echoHandler, failing, crashing, csv],
    middleware: [fromMiddleware],
    logger: silentLogger,
  });
}

describe('service handlers', () => {
  it('serves exact paths with the JSON body, query and status the handler chose', async () => {
    const response = await gateway().fetch(
      new Request('http://gw.test/admin/echo?q=1', { method: 'POST', body: JSON.stringify({ a: 1 }) }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(await response.json()).toEqual({ got: { a: 1 }, query: '1' });
  });

  it('serves pattern paths brought by middleware, with the captured parameters', async () => {
    const response = await gateway().fetch(new Request('http://gw.test/admin/items/k_42', { method: 'DELETE' }));
    expect(await response.json()).toEqual({ deleted: 'k_42' });
  });

  it('answers a wrong method with 405 and the allowed methods', async () => {
    const response = await gateway().fetch(new Request('http://gw.test/admin/echo'));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('turns bad JSON, gateway errors and crashes into clean error bodies', async () => {
    const gw = gateway();
    const badJson = await gw.fetch(new Request('http://gw.test/admin/echo', { method: 'POST', body: '{nope' }));
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');

    const failed = await gw.fetch(new Request('http://gw.test/admin/fail'));
    expect(failed.status).toBe(400);
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('unknown_report');

    const crashed = await gw.fetch(new Request('http://gw.test/admin/crash'));
    expect(crashed.status).toBe(500);
    const text = await crashed.text();
    expect(text).not.toContain('/srv/app.js');
  });

  it('sends string bodies as they are, with the handler content type', async () => {
    const response = await gateway().fetch(new Request('http://gw.test/admin/report.csv'));
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe('a,b\n1,2\n');
  });
});
