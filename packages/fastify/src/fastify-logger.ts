import type { LogFields, Logger } from '@switchyard/core';
import type { FastifyBaseLogger } from 'fastify';

/**
 * The gateway's Logger written through a Fastify (pino) logger: `logger.info('request', fields)` becomes
 * `log.info(fields, 'request')`, so gateway lines share the app's transport, level and redaction.
 */
export function loggerFromFastify(log: FastifyBaseLogger): Logger {
  const pinoLike = log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) => {
    if (fields === undefined) log[level](message);
    else log[level](fields, message);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    isEnabled: (level) => (typeof pinoLike.isLevelEnabled === 'function' ? pinoLike.isLevelEnabled(level) : true),
  };
}
