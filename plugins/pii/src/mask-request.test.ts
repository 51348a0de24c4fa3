import type { ChatRequest } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { builtinDefinitions } from './builtin-detectors.js';
import { type PiiDetector, regexDetector } from './detector.js';
import { maskRequest } from './mask-request.js';
import { type PiiRuleInput, toRule } from './rule.js';
import { createScanner } from './scanner.js';

function scannerWith(
  rules: Record<string, PiiRuleInput> = {},
  custom: Array<{ detector: PiiDetector; action: PiiRuleInput }> = [],
) {
  return createScanner(
    builtinDefinitions.flatMap((definition) => {
      const rule = toRule(rules[definition.name] ?? 'mask', 'test');
      return rule ? [{ definition, rule }] : [];
    }),
    custom.map(({ detector, action }) => ({
      detector,
      rule: toRule(action, 'test') ?? { action: 'mask', keepFirst: 0, keepLast: 0 },
    })),
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('maskRequest', () => {
  it('masks every text the upstream sees, with stable typed placeholders, and leaves the input untouched', async () => {
    const request: ChatRequest = deepFreeze({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Support desk. Escalations go to boss@example.com.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'I am jane@example.com, card 4111 1111 1111 1111.' },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"email":"jane@example.com"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"phone":"+44 20 7946 0958","owner":"boss@example.com"}' },
        { role: 'user', content: 'thanks' },
      ],
    });
    const outcome = await maskRequest(request, scannerWith());
    expect(outcome.request).not.toBe(request);
    expect(outcome.request.temperature).toBe(0.2);
    expect(outcome.request.messages).toEqual([
      { role: 'system', content: 'Support desk. Escalations go to <EMAIL_1>.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'I am <EMAIL_2>, card <CARD_1>.' },
          { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"email":"<EMAIL_2>"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"phone":"<PHONE_1>","owner":"<EMAIL_1>"}' },
      { role: 'user', content: 'thanks' },
    ]);
    // Unchanged messages are shared, not copied.
    expect(outcome.request.messages[4]).toBe(request.messages[4]);
    expect(Object.fromEntries(outcome.originals)).toEqual({
      '<EMAIL_1>': 'boss@example.com',
      '<EMAIL_2>': 'jane@example.com',
      '<CARD_1>': '4111 1111 1111 1111',
      '<PHONE_1>': '+44 20 7946 0958',
    });
    expect(outcome.counts).toEqual({ EMAIL: 4, CARD: 1, PHONE: 1 });
    expect(outcome.blocked).toEqual([]);
  });

  it('returns the same request object when nothing is found', async () => {
    const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'Nothing personal here.' }] };
    const outcome = await maskRequest(request, scannerWith());
    expect(outcome.request).toBe(request);
    expect(outcome.counts).toEqual({});
  });

  it('never issues a placeholder the client already wrote', async () => {
    const outcome = await maskRequest(
      { model: 'm', messages: [{ role: 'user', content: 'Template <EMAIL_1> and <EMAIL_2>; real: a@example.com' }] },
      scannerWith(),
    );
    expect(outcome.request.messages[0]?.content).toBe('Template <EMAIL_1> and <EMAIL_2>; real: <EMAIL_3>');
    expect([...outcome.originals.keys()]).toEqual(['<EMAIL_3>']);
  });

  it('redacts irreversibly, as [TYPE] or keeping the first and last characters', async () => {
    const outcome = await maskRequest(
      { model: 'm', messages: [{ role: 'user', content: 'a@example.com 4111111111111111 13812345678' }] },
      scannerWith({
        email: 'redact',
        card: { action: 'redact', keepLast: 4 },
        phone: { action: 'redact', keepFirst: 3, keepLast: 4 },
      }),
    );
    expect(outcome.request.messages[0]?.content).toBe('[EMAIL] ************1111 138****5678');
    expect(outcome.originals.size).toBe(0);
  });

  it('reports blocked types in order and rewrites nothing', async () => {
    const request: ChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'id 11010519491231002X, card 4111111111111111, mail a@example.com' }],
    };
    const outcome = await maskRequest(request, scannerWith({ cn_id: 'block', card: 'block' }));
    expect(outcome.blocked).toEqual(['CN_ID', 'CARD']);
    expect(outcome.request).toBe(request);
    expect(outcome.counts).toEqual({ CN_ID: 1, CARD: 1, EMAIL: 1 });
  });

  it('runs custom regex, function and asynchronous detectors beside the built-ins', async () => {
    const employee = regexDetector({ type: 'EMPLOYEE_ID', pattern: String.raw`\bEMP-\d{6}\b` });
    const names: PiiDetector = {
      type: 'PERSON',
      detect(text) {
        const start = text.indexOf('Alice Smith');
        return start === -1 ? [] : [{ start, end: start + 'Alice Smith'.length }];
      },
    };
    const remote: PiiDetector = {
      type: 'PROJECT',
      async detect(text) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        const start = text.indexOf('Bluebird');
        return start === -1 ? [] : [{ start, end: start + 8, type: 'CODENAME' }];
      },
    };
    const outcome = await maskRequest(
      { model: 'm', messages: [{ role: 'user', content: 'Alice Smith (EMP-123456, alice@example.com) runs Bluebird.' }] },
      scannerWith({}, [
        { detector: employee, action: 'mask' },
        { detector: names, action: 'redact' },
        { detector: remote, action: 'mask' },
      ]),
    );
    expect(outcome.request.messages[0]?.content).toBe('[PERSON] (<EMPLOYEE_ID_1>, <EMAIL_1>) runs <CODENAME_1>.');
    expect(outcome.counts).toEqual({ PERSON: 1, EMPLOYEE_ID: 1, EMAIL: 1, CODENAME: 1 });
  });

  it('keeps the earliest, then longest, of overlapping findings', async () => {
    const wide = regexDetector({ type: 'CONTACT', pattern: String.raw`contact: \S+` });
    const outcome = await maskRequest(
      { model: 'm', messages: [{ role: 'user', content: 'contact: a@example.com' }] },
      scannerWith({}, [{ detector: wide, action: 'redact' }]),
    );
    expect(outcome.request.messages[0]?.content).toBe('[CONTACT]');
  });

  it('keeps tool call arguments valid JSON when a redaction touches escaped text', async () => {
    const quoted = regexDetector({ type: 'QUOTE', pattern: String.raw`\\"[^\\]*\\"` });
    const outcome = await maskRequest(
      {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c', type: 'function', function: { name: 'f', arguments: '{"text":"he said \\"hello there\\" loudly"}' } },
            ],
          },
        ],
      },
      scannerWith({}, [{ detector: quoted, action: { action: 'redact', keepFirst: 2 } }]),
    );
    const sent = outcome.request.messages[0]?.tool_calls?.[0]?.function?.arguments as string;
    expect(JSON.parse(sent)).toEqual({ text: 'he said "h*********** loudly' });
  });
});
