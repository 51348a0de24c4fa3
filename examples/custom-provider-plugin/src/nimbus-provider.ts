import { createOpenAICompatibleProvider } from '@switchyard/provider-utils';
import type { ProviderV1 } from '@switchyard/spec';

/** Nimbus's regions; each is its own host. */
export const nimbusRegions = ['eu', 'us'] as const;
export type NimbusRegion = (typeof nimbusRegions)[number];

export interface NimbusProviderOptions {
  /** The provider id clients use: `<id>/<model>`. Default `nimbus`. */
  id?: string;
  apiKey: string;
  region?: NimbusRegion;
  /** Overrides the region's host (a proxy, or a fake upstream in tests); up to and including `/v1`. */
  baseURL?: string;
  /** Models listed in `GET /v1/models`. */
  models?: readonly string[];
}

export const nimbusModels = ['nimbus-large', 'nimbus-small'] as const;

/**
 * Nimbus, an imaginary host that speaks OpenAI's Chat Completions API with two quirks: it takes
 * `max_tokens` (not `max_completion_tokens`) and refuses `parallel_tool_calls`; every call names the
 * caller's region in `x-nimbus-region`. `createOpenAICompatibleProvider` does the wire work: requests,
 * SSE streams, errors mapped to `GatewayError`s, the key redacted from anything logged.
 */
export function createNimbusProvider({
  id = 'nimbus',
  apiKey,
  region = 'eu',
  baseURL,
  models = nimbusModels,
}: NimbusProviderOptions): ProviderV1 {
  return createOpenAICompatibleProvider({
    id,
    baseURL: baseURL ?? `https://${region}.api.nimbus.example/v1`,
    apiKey,
    headers: { 'x-nimbus-region': region },
    models,
    quirks: { renameParams: { max_completion_tokens: 'max_tokens' }, dropParams: ['parallel_tool_calls'] },
  });
}
