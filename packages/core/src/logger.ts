export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** A structured logger. Fields are flat and never carry request bodies, keys or upstream URLs. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a level would be written; lets hot paths skip building fields. Absent means always. */
  isEnabled?(level: Exclude<LogLevel, 'silent'>): boolean;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stdout. One JSON object per line. */
  write?: (line: string) => void;
}

/** Writes one JSON object per line: `{"level":"info","time":"…","msg":"…",...fields}`. */
export function createJsonLogger({
  level = 'info',
  write = (line) => process.stdout.write(line),
}: JsonLoggerOptions = {}): Logger {
  const threshold = levelRank[level];
  const emit = (entryLevel: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields) => {
    if (levelRank[entryLevel] < threshold) return;
    write(`${JSON.stringify({ level: entryLevel, time: new Date().toISOString(), msg: message, ...fields })}\n`);
  };
  return {
    isEnabled: (entryLevel) => levelRank[entryLevel] >= threshold,
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, isEnabled: () => false };
