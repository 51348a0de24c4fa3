/**
 * The A/B experiment example over real HTTP: traffic from several users with the official openai SDK,
 * feedback through POST /v1/feedback, and the readout from the admin API (JSON and formatReport's text).
 */
import { createJsonLogger } from '@switchyard/core';
import { type ExperimentReport, formatReport } from '@switchyard/experiments';
import type { RunningServer } from '@switchyard/server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Answer,
  defaultAdminKey,
  defaultAppKey,
  experimentName,
  fetchReport,
  sendFeedback,
  sendTraffic,
  simulatedFeedback,
  startExperimentGateway,
} from '../src/ab.js';

const users = Array.from({ length: 24 }, (_, index) => `user-${index + 1}`);
let server: RunningServer;
let answers: Answer[];

beforeAll(async () => {
  server = await startExperimentGateway({ env: {}, logger: createJsonLogger({ level: 'silent' }) });
  answers = await sendTraffic(server.url, { users, rounds: 2 });
});
afterAll(async () => {
  await server?.close();
});

const countOf = (variant: string) => answers.filter((answer) => answer.variant === variant).length;

describe('assignment', () => {
  it('gives each user one variant, the same on every request, and uses both variants', () => {
    expect(answers).toHaveLength(users.length * 2);
    for (const user of users) {
      const seen = new Set(answers.filter((answer) => answer.user === user).map((answer) => answer.variant));
      expect(seen.size).toBe(1);
    }
    expect(new Set(answers.map((answer) => answer.variant))).toEqual(new Set(['baseline', 'concise']));
    expect(answers.every((answer) => answer.reply.startsWith('echo: question'))).toBe(true);
  });

  it('refuses callers without the app key, and leaves direct models out of the experiment', async () => {
    const stranger = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-not-a-gateway-key-000', maxRetries: 0 });
    await expect(
      stranger.chat.completions.create({ model: 'assistant', user: 'x', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const app = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: defaultAppKey, maxRetries: 0 });
    const { response } = await app.chat.completions
      .create({ model: 'mock/echo', user: 'user-1', messages: [{ role: 'user', content: 'direct' }] })
      .withResponse();
    expect(response.headers.get('x-switchyard-experiment')).toBeNull();
  });
});

describe('feedback and the readout', () => {
  beforeAll(async () => {
    for (const [index, answer] of answers.entries()) {
      const sent = await sendFeedback(server.url, answer.requestId, simulatedFeedback(answer, index));
      expect(sent.status).toBe(200);
    }
  });

  it('records feedback once per answer, with its experiment and variant', async () => {
    const first = answers[0] as Answer;
    const again = await sendFeedback(server.url, first.requestId, { score: 1 });
    expect(again).toEqual({
      status: 200,
      body: expect.objectContaining({ object: 'feedback', experiment: experimentName, variant: first.variant, recorded: false }),
    });
    const unknown = await sendFeedback(server.url, 'req_unknown', { thumbs: 'up' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { code: 'unknown_request_id' } });
  });

  it('reports requests and feedback per variant, concise scoring above baseline', async () => {
    // Counts are written just after each response, so the last ones may land a moment later.
    let report = (await fetchReport(server.url, { adminKey: defaultAdminKey })) as ExperimentReport;
    await vi.waitFor(async () => {
      report = (await fetchReport(server.url, { adminKey: defaultAdminKey })) as ExperimentReport;
      const total = report.variants.reduce((sum, variant) => sum + variant.requests, 0);
      const feedback = report.variants.reduce((sum, variant) => sum + variant.feedback.count, 0);
      expect([total, feedback]).toEqual([answers.length, answers.length]);
    });
    expect(report).toMatchObject({ experiment: experimentName, alias: 'assistant', control: 'baseline', status: 'running' });
    const byName = Object.fromEntries(report.variants.map((variant) => [variant.name, variant]));
    for (const name of ['baseline', 'concise']) {
      expect(byName[name]).toMatchObject({ requests: countOf(name), errors: 0, feedback: { count: countOf(name) } });
    }
    expect(byName.concise?.feedback.score?.mean).toBeGreaterThan(
      byName.baseline?.feedback.score?.mean ?? Number.POSITIVE_INFINITY,
    );
    const comparison = report.comparisons.find((entry) => entry.variant === 'concise');
    expect(comparison?.score?.difference.estimate).toBeGreaterThan(0);
    expect(['inconclusive', 'treatment-wins', 'control-wins']).toContain(report.verdict.verdict);

    const table = formatReport(report);
    expect(table).toContain(`Experiment ${experimentName} on "assistant"`);
    expect(table).toMatch(/baseline \(control\)/);
    expect(table).toMatch(/\nconcise /);
  });

  it('serves the same readout as text from the admin API, and only to the admin key', async () => {
    const text = (await fetchReport(server.url, { adminKey: defaultAdminKey, format: 'text' })) as string;
    expect(text).toContain(`Experiment ${experimentName} on "assistant"`);
    expect(text).toContain('Verdict:');
    await expect(fetchReport(server.url, { adminKey: defaultAppKey })).rejects.toThrow(/HTTP 40[13]/);
  });
});
