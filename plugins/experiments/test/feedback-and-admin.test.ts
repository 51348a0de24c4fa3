/**
 * `POST /v1/feedback` and the admin report endpoints, through a real gateway and fake upstreams.
 */
import { createMemoryStore, type ServiceRequest } from '@switchyard/core';
import { authenticationError } from '@switchyard/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chat,
  gatewayWith,
  postFeedback,
  providersFor,
  reportAfter,
  startUpstreams,
  twoArms,
  type Upstreams,
} from './harness.js';

let upstreams: Upstreams;
beforeAll(async () => {
  upstreams = await startUpstreams();
});
afterAll(() => upstreams.close());

const adminKey = 'admin-secret-0123456789';
const authorizeAdmin = (request: ServiceRequest) => {
  if (request.headers.authorization !== `Bearer ${adminKey}`)
    throw authenticationError('This endpoint needs the admin key.', { code: 'invalid_admin_key' });
};

describe('POST /v1/feedback', () => {
  it('attributes a score and thumbs to the variant that served the request, once per request id', async () => {
    const { gateway, middleware } = gatewayWith(providersFor(upstreams), {
      experiments: { test: twoArms },
      store: createMemoryStore(),
    });
    const response = await chat(gateway, { user: 'fb-user-1' });
    const requestId = response.headers.get('x-request-id') as string;
    const variant = response.headers.get('x-switchyard-experiment')?.split('variant=')[1];
    await reportAfter(middleware, 'test', 1);

    const first = await postFeedback(gateway, { request_id: requestId, score: 4, thumbs: 'up', comment: 'Helpful.' });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      object: 'feedback',
      request_id: requestId,
      experiment: 'test',
      variant,
      recorded: true,
    });

    // The same POST again (a client retry), or different feedback for the same request: nothing changes.
    const again = await postFeedback(gateway, { request_id: requestId, score: 4, thumbs: 'up', comment: 'Helpful.' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ recorded: false });
    expect(await (await postFeedback(gateway, { request_id: requestId, score: 1 })).json()).toMatchObject({ recorded: false });

    const report = await middleware.report('test');
    const served = report.variants.find((entry) => entry.name === variant);
    expect(served?.feedback).toMatchObject({ count: 1, comments: 1, score: { count: 1, mean: 4 }, thumbs: { up: 1, down: 0 } });
    const other = report.variants.find((entry) => entry.name !== variant);
    expect(other?.feedback.count).toBe(0);
  });

  it('accepts feedback sent the moment the answer arrives', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    for (let index = 0; index < 20; index++) {
      const response = await chat(gateway, { user: `quick-${index}` });
      const feedback = await postFeedback(gateway, { request_id: response.headers.get('x-request-id'), thumbs: 'up' });
      expect(feedback.status).toBe(200);
    }
  });

  it('answers 404 for request ids no experiment served', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const unknown = await postFeedback(gateway, { request_id: 'never-seen', score: 3 });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        message: 'No experiment served a request with this id (or its feedback window has closed).',
        type: 'invalid_request_error',
        param: 'request_id',
        code: 'unknown_request_id',
      },
    });
    // A request outside any experiment has an id too, but no assignment.
    const plain = await chat(gateway, { model: 'alpha/gpt-4o-mini' });
    const id = plain.headers.get('x-request-id') as string;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await postFeedback(gateway, { request_id: id, thumbs: 'down' })).status).toBe(404);
  });

  it('answers 400 for bad bodies without echoing them', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const cases: Array<[unknown, string, string | null]> = [
      ['{not json', 'invalid_json', null],
      [[1, 2], 'invalid_feedback', null],
      [{ score: 3 }, 'invalid_feedback', 'request_id'],
      [{ request_id: '', score: 3 }, 'invalid_feedback', 'request_id'],
      [{ request_id: 'abc' }, 'invalid_feedback', 'score'],
      [{ request_id: 'abc', score: 'five' }, 'invalid_feedback', 'score'],
      [{ request_id: 'abc', score: 1e9 }, 'invalid_feedback', 'score'],
      [{ request_id: 'abc', thumbs: 'sideways-secret-value' }, 'invalid_feedback', 'thumbs'],
      [{ request_id: 'abc', score: 2, comment: 42 }, 'invalid_feedback', 'comment'],
    ];
    for (const [body, code, param] of cases) {
      const response = await postFeedback(gateway, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = ((await response.json()) as { error: { code: string; param: string | null; message: string } }).error;
      expect(error.code, JSON.stringify(body)).toBe(code);
      if (code === 'invalid_feedback') expect(error.param, JSON.stringify(body)).toBe(param);
      expect(error.message).not.toContain('sideways-secret-value');
    }
    const empty = await gateway.fetch(new Request('http://gateway.test/v1/feedback', { method: 'POST' }));
    expect(empty.status).toBe(400);
  });

  it('runs the authorizer when one is given', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), {
      experiments: { test: twoArms },
      authorizeFeedback: (request) => {
        if (request.headers['x-feedback-token'] !== 'ok') throw authenticationError('Feedback needs a token.');
      },
    });
    expect((await postFeedback(gateway, { request_id: 'x', score: 1 })).status).toBe(401);
    expect((await postFeedback(gateway, { request_id: 'x', score: 1 }, { 'x-feedback-token': 'ok' })).status).toBe(404);
  });
});

describe('admin report', () => {
  it('is not mounted without authorizeAdmin', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms } });
    const response = await gateway.fetch(new Request('http://gateway.test/admin/experiments/test/report'));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unknown_url');
  });

  it('serves the report as JSON or text to admins only, and lists experiments', async () => {
    const { gateway } = gatewayWith(providersFor(upstreams), { experiments: { test: twoArms }, authorizeAdmin });
    for (let index = 0; index < 6; index++) await (await chat(gateway, { user: `admin-user-${index}` })).arrayBuffer();
    const get = (path: string, key?: string) =>
      gateway.fetch(new Request(`http://gateway.test${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }));

    expect((await get('/admin/experiments/test/report')).status).toBe(401);
    expect((await get('/admin/experiments/test/report', 'wrong-key-0123456789')).status).toBe(401);

    let report: { variants: Array<{ name: string; requests: number }>; verdict: { verdict: string } } | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      const response = await get('/admin/experiments/test/report', adminKey);
      expect(response.status).toBe(200);
      report = (await response.json()) as typeof report;
      if (report?.variants.reduce((sum, variant) => sum + variant.requests, 0) === 6) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(report?.variants.map((variant) => variant.name)).toEqual(['control', 'treatment']);
    expect(report?.variants.reduce((sum, variant) => sum + variant.requests, 0)).toBe(6);
    expect(report?.verdict.verdict).toBe('inconclusive');

    const text = await get('/admin/experiments/test/report?format=text', adminKey);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await text.text()).toMatch(/^Experiment test on "chat": running\n/);

    const missing = await get('/admin/experiments/other/report', adminKey);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('experiment_not_found');

    const list = await get('/admin/experiments', adminKey);
    expect(await list.json()).toEqual({
      object: 'list',
      data: [
        { name: 'test', alias: 'chat', enabled: true, running: true, control: 'control', variants: ['control', 'treatment'] },
      ],
    });
  });
});
