import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { configSchema, type SwitchyardConfig } from './config-schema.js';
import { interpolateEnv } from './interpolate-env.js';

type Env = Readonly<Record<string, string | undefined>>;

function formatPath(path: readonly PropertyKey[]): string {
  let result = '';
  for (const segment of path) {
    if (typeof segment === 'number') result += `[${segment}]`;
    else result += result === '' ? String(segment) : `.${String(segment)}`;
  }
  return result;
}

/** Validates a parsed config document (after `${ENV}` interpolation). Throws ConfigError with every issue. */
export function parseConfig(document: unknown, env: Env = process.env, source?: string): SwitchyardConfig {
  const problems: ConfigIssue[] = [];
  const interpolated = interpolateEnv(document ?? {}, env, problems);
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ path: formatPath(issue.path), message: issue.message });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems, source);
  return parsed.data;
}

/** Reads a YAML (`.yaml`, `.yml`) or JSON file and validates it. */
export async function loadConfigFile(file: string, env: Env = process.env): Promise<SwitchyardConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigError([{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read the file (${code})` }], file);
  }
  let document: unknown;
  try {
    document = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message =
      error instanceof YAMLParseError
        ? `YAML syntax error at line ${error.linePos?.[0]?.line ?? '?'}: ${error.message.split('\n')[0]}`
        : `JSON syntax error: ${(error as Error).message}`;
    throw new ConfigError([{ path: '', message }], file);
  }
  return parseConfig(document, env, file);
}
