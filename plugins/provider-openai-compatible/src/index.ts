export { createOpenAICompatible, type OpenAICompatibleOptions } from './openai-compatible.js';
export { presetProvidersFromEnv } from './preset-providers-from-env.js';
export { type Preset, type PresetName, presetNames, presets } from './presets.js';
export type { Environment } from './read-environment.js';
