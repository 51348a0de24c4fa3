import { createGateway, createJsonLogger, type Gateway, type LogLevel, silentLogger } from '@switchyard/core';
import { createMockProvider } from '@switchyard/provider-mock';
import { openAIProviderFromEnv } from '@switchyard/provider-openai';

/**
 * The app's gateway: the offline mock provider (`mock/echo`, ...) always, OpenAI (`openai/gpt-4o-mini`,
 * ...) only when `OPENAI_API_KEY` is set (`OPENAI_BASE_URL` too). `SWITCHYARD_MAX_BODY_BYTES` sets the body
 * limit (5 MB by default) and `SWITCHYARD_LOG_LEVEL` the log level (`info`; `silent` for none).
 */
export function createAppGateway(env: Readonly<Record<string, string | undefined>> = process.env): Gateway {
  const openAI = openAIProviderFromEnv(env);
  const maxBodyBytes = env.SWITCHYARD_MAX_BODY_BYTES ? Number(env.SWITCHYARD_MAX_BODY_BYTES) : undefined;
  const level = (env.SWITCHYARD_LOG_LEVEL ?? 'info') as LogLevel;
  return createGateway({
    providers: openAI ? [createMockProvider(), openAI] : [createMockProvider()],
    maxBodyBytes,
    logger: level === 'silent' ? silentLogger : createJsonLogger({ level }),
  });
}
