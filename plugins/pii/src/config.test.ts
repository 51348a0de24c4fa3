import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadDetectorModules, piiFromConfig } from './config.js';
import type { PiiDetector } from './detector.js';
import { pii } from './pii.js';

describe('configSchema', () => {
  it('parses the YAML section with defaults', () => {
    const config = configSchema.parse(
      parse(`
detectors:
  email: mask
  card: { action: redact, keepLast: 4 }
  cn_id: block
  ip: off
custom:
  - { name: employee_id, pattern: 'EMP-\\d{6}', action: mask }
  - { name: presidio, module: '@acme/pii-presidio', options: { url: 'http://127.0.0.1:5002' }, type: PERSON }
`),
    );
    expect(config).toEqual({
      detectors: { email: 'mask', card: { action: 'redact', keepLast: 4 }, cn_id: 'block', ip: 'off' },
      custom: [
        { name: 'employee_id', pattern: 'EMP-\\d{6}', flags: '', action: 'mask' },
        {
          name: 'presidio',
          module: '@acme/pii-presidio',
          options: { url: 'http://127.0.0.1:5002' },
          type: 'PERSON',
          action: 'mask',
        },
      ],
    });
    expect(configSchema.parse({})).toEqual({ detectors: {}, custom: [] });
  });

  it.each([
    ['an unknown detector', { detectors: { passport: 'mask' } }],
    ['an unknown action', { detectors: { email: 'hide' } }],
    ['a bad regex', { custom: [{ name: 'x', pattern: '(' }] }],
    [
      'a duplicate name',
      {
        custom: [
          { name: 'x', pattern: 'a' },
          { name: 'x', pattern: 'b' },
        ],
      },
    ],
    ['a lower-case type', { custom: [{ name: 'x', pattern: 'a', type: 'lower' }] }],
    ['a global flag', { custom: [{ name: 'x', pattern: 'a', flags: 'g' }] }],
  ])('rejects %s', (_name, section) => {
    expect(configSchema.safeParse(section).success).toBe(false);
  });
});

describe('piiFromConfig', () => {
  it('requires module detectors to be loaded first, and uses them once loaded', async () => {
    const config = configSchema.parse({ custom: [{ name: 'names', module: 'acme-names', options: { word: 'Alice' } }] });
    expect(() => piiFromConfig(config)).toThrow(/loadDetectorModules/);
    const imported: string[] = [];
    const modules = await loadDetectorModules(config, async (specifier) => {
      imported.push(specifier);
      return {
        createDetector: ({ word }: { word: string }): PiiDetector => ({
          type: 'PERSON',
          detect: (text) => {
            const start = text.indexOf(word);
            return start === -1 ? [] : [{ start, end: start + word.length }];
          },
        }),
      };
    });
    expect(imported).toEqual(['acme-names']);
    expect(modules.names?.type).toBe('PERSON');
    expect(piiFromConfig(config, { modules }).name).toBe('pii');
  });

  it('rejects a module that exports no detector', async () => {
    const config = configSchema.parse({ custom: [{ name: 'broken', module: 'nothing-here' }] });
    await expect(loadDetectorModules(config, async () => ({}))).rejects.toThrow(/createDetector/);
  });
});

describe('pii options', () => {
  it('rejects unknown detectors, bad actions and bad custom types at construction', () => {
    expect(() => pii({ detectors: { passport: 'mask' } as never })).toThrow(/unknown detector "passport"/);
    expect(() => pii({ detectors: { email: 'hide' as never } })).toThrow(/unknown action/);
    expect(() => pii({ custom: [{ detector: { type: 'bad type', detect: () => [] } }] })).toThrow(/upper case/);
    expect(() => pii({ detectors: { card: { action: 'redact', keepLast: -1 } } })).toThrow(/keepLast/);
  });
});
