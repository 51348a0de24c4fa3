import { definePlugin } from '@switchyard/core';
import { z } from 'zod';
import { createNimbusProvider, nimbusModels, nimbusRegions } from './nimbus-provider.js';

export {
  createNimbusProvider,
  type NimbusProviderOptions,
  type NimbusRegion,
  nimbusModels,
  nimbusRegions,
} from './nimbus-provider.js';

/** The plugin's config section (validated at start, published as JSON Schema). */
export const configSchema = z.strictObject({
  /** The provider id clients use: `<id>/<model>`. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, _ and -')
    .default('nimbus'),
  /** Usually `${NIMBUS_API_KEY}` in the config file; when absent, the NIMBUS_API_KEY variable is read. */
  apiKey: z.string().min(8).optional(),
  region: z.enum(nimbusRegions).default('eu'),
  /** Overrides the region's host, up to and including `/v1`. */
  baseURL: z.url().optional(),
  models: z.array(z.string().min(1)).default([...nimbusModels]),
});

export type NimbusConfig = z.infer<typeof configSchema>;

/** The plugin: the package's default export, what `plugins:` in a config file loads. */
export default definePlugin({
  name: '@switchyard/example-custom-provider-plugin',
  version: '0.1.0',
  core: '^0.1.0',
  description: 'A provider for Nimbus, an imaginary OpenAI-compatible host: nimbus/<model>.',
  configSchema,
  setup(config, { env }) {
    const apiKey = config.apiKey ?? env.NIMBUS_API_KEY;
    // Named, never shown: a missing key stops the gateway at start with this message.
    if (!apiKey) throw new Error('Nimbus needs an API key: set `apiKey` in its plugin config or NIMBUS_API_KEY.');
    return {
      providers: [
        createNimbusProvider({
          id: config.id,
          apiKey,
          region: config.region,
          models: config.models,
          ...(config.baseURL ? { baseURL: config.baseURL } : {}),
        }),
      ],
    };
  },
});
