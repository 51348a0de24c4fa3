import { definePluginConformance } from '@switchyard/testkit/conformance';
import plugin from '../src/index.js';

// What a plugin author runs in their own CI: manifest, config schema, and a request through a real gateway.
definePluginConformance(plugin, {
  config: { maxWords: 5 },
  invalidConfigs: [{ maxWords: 0 }, { maxWords: 2.5 }, { header: 'Not A Header' }, { unknown: true }],
  expected: {
    typedConfig: (config) => {
      if (config.maxWords !== 5 || config.header !== 'x-prompt-words') throw new Error('defaults not applied');
    },
  },
});

// The refusal path (a prompt over the limit) is checked end to end in test/from-config.test.ts.
