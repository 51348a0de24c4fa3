import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { coreVersion } from '@switchyard/core';

export type PluginKind = 'middleware' | 'provider';

export interface ScaffoldOptions {
  /** The npm package name, e.g. `@acme/switchyard-plugin-audit`. */
  name: string;
  kind?: PluginKind;
  /** The folder to create (default: the name without its scope, under `cwd`). */
  directory?: string;
  cwd?: string;
}

/** Creates a ready-to-publish plugin package; returns the folder and the files written. */
export function scaffoldPlugin({ name, kind = 'middleware', directory, cwd = process.cwd() }: ScaffoldOptions): {
  directory: string;
  files: string[];
} {
  if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) {
    throw new Error(`"${name}" is not a valid npm package name (lower case, e.g. @acme/switchyard-plugin-audit).`);
  }
  const target = path.resolve(cwd, directory ?? name.split('/').pop() ?? name);
  if (existsSync(target)) throw new Error(`${target} already exists; choose another --dir.`);
  const [major, minor] = coreVersion().split('.');
  const coreRange = major === '0' ? `^0.${minor}.0` : `^${major}.0.0`;
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        description: `A Switchyard ${kind} plugin.`,
        license: 'Apache-2.0',
        type: 'module',
        keywords: ['switchyard', 'switchyard-plugin', 'llm-gateway'],
        engines: { node: '>=20.18' },
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
        main: './dist/index.js',
        types: './dist/index.d.ts',
        files: ['dist', 'README.md'],
        scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run', prepublishOnly: 'npm run build && npm test' },
        peerDependencies: { '@switchyard/core': coreRange },
        dependencies: { '@switchyard/spec': coreRange, zod: '^4.1.0' },
        devDependencies: {
          '@switchyard/core': coreRange,
          '@switchyard/provider-mock': coreRange,
          '@switchyard/testkit': coreRange,
          '@types/node': '^20.19.0',
          typescript: '~5.9.3',
          vitest: '^4.0.0',
        },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          declaration: true,
          outDir: 'dist',
          rootDir: 'src',
          skipLibCheck: true,
          types: ['node'],
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    'src/index.ts': kind === 'provider' ? providerTemplate(name, coreRange) : middlewareTemplate(name, coreRange),
    'test/plugin.test.ts': testTemplate(kind),
    'README.md': readmeTemplate(name, kind),
    '.gitignore': 'node_modules\ndist\n',
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    writeFileSync(path.join(target, file), content);
  }
  return { directory: target, files: Object.keys(files) };
}

function middlewareTemplate(name: string, coreRange: string): string {
  return `import { definePlugin } from '@switchyard/core';
import { GatewayError } from '@switchyard/spec';
import { z } from 'zod';

/** The plugin's config section (validated at start; published as JSON Schema). */
const configSchema = z.strictObject({
  /** Requests without this header are refused. */
  requireHeader: z.string().min(1).default('x-team'),
  /** Added to every response. */
  tag: z.string().min(1).default('checked'),
});

export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  core: '${coreRange}',
  description: 'Refuses requests without a team header and tags every response.',
  configSchema,
  setup(config, { logger }) {
    return {
      middleware: [
        {
          name: '${name}',
          async handle(context, next) {
            if (!context.http.headers[config.requireHeader]) {
              throw new GatewayError({
                message: \`Send the \${config.requireHeader} header.\`,
                kind: 'invalid_request',
                status: 400,
                code: 'missing_header',
              });
            }
            context.responseHeaders['x-plugin-tag'] = config.tag;
            await next();
            logger.debug('request checked', { requestId: context.requestId });
          },
        },
      ],
    };
  },
});
`;
}

function providerTemplate(name: string, coreRange: string): string {
  return `import { definePlugin } from '@switchyard/core';
import { type ChatCompletion, type ChatCompletionChunk, chunkPart, JsonPayload, type ProviderV1, type StreamPart } from '@switchyard/spec';
import { z } from 'zod';

const configSchema = z.strictObject({
  /** The provider id clients use: \`<id>/<model>\`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/).default('shouty'),
});

/** A provider that answers with the last user message in capitals (replace with calls to your upstream). */
function createShoutyProvider(id: string): ProviderV1 {
  const answer = (messages: ReadonlyArray<{ role: string; content?: unknown }>) => {
    const last = [...messages].reverse().find((message) => message.role === 'user');
    return typeof last?.content === 'string' ? last.content.toUpperCase() : '';
  };
  const upstream = { status: 200 };
  return {
    specificationVersion: 'v1',
    id,
    models: ['shout'],
    async chat({ model, request }) {
      const completion: ChatCompletion = {
        id: \`chatcmpl-\${Date.now()}\`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer(request.messages) }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      };
      return { body: JsonPayload.fromValue(completion), upstream };
    },
    async streamChat({ model, request }) {
      const content = answer(request.messages);
      const base = { id: 'chatcmpl-stream', object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model };
      const chunks: ChatCompletionChunk[] = [
        { ...base, choices: [{ index: 0, delta: { role: 'assistant', content }, finish_reason: null, logprobs: null }] },
        { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }] },
      ];
      async function* parts(): AsyncGenerator<StreamPart> {
        for (const chunk of chunks) yield chunkPart(JsonPayload.fromValue(chunk));
      }
      return { parts: parts(), upstream };
    },
  };
}

export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  core: '${coreRange}',
  description: 'An example provider plugin.',
  configSchema,
  setup: (config) => ({ providers: [createShoutyProvider(config.id)] }),
});
`;
}

function testTemplate(kind: PluginKind): string {
  return kind === 'provider'
    ? `import { definePluginConformance } from '@switchyard/testkit/conformance';
import plugin from '../src/index.js';

definePluginConformance(plugin, { config: { id: 'shouty' }, model: 'shouty/shout', invalidConfigs: [{ id: 'Not Valid' }] });
`
    : `import { definePluginConformance } from '@switchyard/testkit/conformance';
import plugin from '../src/index.js';

definePluginConformance(plugin, {
  config: { requireHeader: 'x-team', tag: 'checked' },
  headers: { 'x-team': 'red' },
  invalidConfigs: [{ requireHeader: '' }, { unknown: true }],
});

definePluginConformance(plugin, { config: {}, expectStatus: 400 });
`;
}

function readmeTemplate(name: string, kind: PluginKind): string {
  return `# ${name}

A Switchyard ${kind} plugin.

## Use it

\`\`\`sh
npm install ${name}
\`\`\`

In the gateway's config file:

\`\`\`yaml
plugins:
  - package: ${name}
    config: {}
\`\`\`

Or in code: \`setupPlugins([{ plugin, config }], context)\` from \`@switchyard/core\`.

## Develop

\`\`\`sh
npm install
npm test        # the Switchyard plugin conformance suite (@switchyard/testkit)
npm run build
npm publish
\`\`\`

The \`core\` range in \`src/index.ts\` says which \`@switchyard/core\` versions this plugin supports; a gateway
outside it refuses to start with a message naming both versions.
`;
}
