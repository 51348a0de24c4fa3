import type { ChatRequest } from '@switchyard/spec';
import { describe, expect, it } from 'vitest';
import { applyOverrides, withSystemPrefix } from './apply-variant.js';

const request: ChatRequest = { model: 'chat', messages: [{ role: 'user', content: 'hi' }], temperature: 1 };

describe('applyOverrides', () => {
  it('returns the same request when the variant changes nothing', () => {
    expect(applyOverrides(request, {})).toBe(request);
  });

  it('overrides parameters without touching the original', () => {
    const changed = applyOverrides(request, { params: { temperature: 0.2, top_p: 0.9 } });
    expect(changed).toEqual({ ...request, temperature: 0.2, top_p: 0.9 });
    expect(request.temperature).toBe(1);
  });

  it('adds the prompt prefix as a system message', () => {
    const changed = applyOverrides(request, { systemPrefix: 'Be brief.' });
    expect(changed.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
    expect(request.messages).toHaveLength(1);
  });
});

describe('withSystemPrefix', () => {
  it('prefixes the first system or developer message', () => {
    expect(
      withSystemPrefix(
        [
          { role: 'developer', content: 'You help with billing.' },
          { role: 'user', content: 'hi' },
        ],
        'Be brief.',
      ),
    ).toEqual([
      { role: 'developer', content: 'Be brief.\n\nYou help with billing.' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('puts a text part first in content-part arrays and replaces empty content', () => {
    const parts = withSystemPrefix([{ role: 'system', content: [{ type: 'text', text: 'Rules.' }] }], 'P');
    expect(parts[0]?.content).toEqual([
      { type: 'text', text: 'P' },
      { type: 'text', text: 'Rules.' },
    ]);
    expect(withSystemPrefix([{ role: 'system', content: '' }], 'P')[0]?.content).toBe('P');
    expect(withSystemPrefix([{ role: 'system', content: null }], 'P')[0]?.content).toBe('P');
  });
});
