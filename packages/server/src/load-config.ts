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

/** The first line of a `yaml` parser message without its trailing `at line 2, column 6:` (the line is given apart). */
function yamlProblem(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

function yamlPosition(error: YAMLParseError): string {
  const position = error.linePos?.[0];
  return position ? `line ${position.line}, column ${position.col}` : 'an unknown line';
}

/** Validates a parsed config document (after `${ENV}` interpolation). Throws ConfigError with every issue. */
export function parseConfig(document: unknown, env: Env = process.env, source?: string): SwitchyardConfig {
  const problems: ConfigIssue[] = [];
  const interpolated = interpolateEnv(document ?? {}, env, problems);
  const parsed = configSchema.safeParse(interpolated);
  if (!parsed.success) {
    // A value left empty by an unset variable is already reported; its schema issue would only repeat it.
    const unsetPaths = new Set(problems.map((problem) => problem.path));
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      if (unsetPaths.has(path)) continue;
      if (issue.code === 'unrecognized_keys') {
        // Name the offending key itself (`server.prot`), not the object that holds it.
        for (const key of issue.keys) problems.push({ path: formatPath([...issue.path, key]), message: 'unknown key' });
      } else {
        problems.push({ path, message: issue.message });
      }
    }
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
        ? `YAML syntax error at ${yamlPosition(error)}: ${yamlProblem(error.message)}`
        : `JSON syntax error: ${(error as Error).message}`;
    throw new ConfigError([{ path: '', message }], file);
  }
  return parseConfig(document, env, file);
}
