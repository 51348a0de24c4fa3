import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createJsonLogger } from '@switchyard/core';
import { adminUsage, runAdminCommand } from './admin-cli.js';
import { buildFromConfig } from './build-from-config.js';
import { ConfigError } from './config-error.js';
import type { SwitchyardConfig } from './config-schema.js';
import { loadGatewayFromConfig } from './gateway-from-config.js';
import { loadConfigFile, parseConfig } from './load-config.js';
import { type PluginKind, scaffoldPlugin } from './scaffold-plugin.js';
import { type RunningServer, startServer } from './start-server.js';

const usage = `Usage: switchyard <command> [options]

Commands:
  serve                  Start the gateway (default command)
  config check <file>    Validate a config file and list its providers and models
  plugin new <name>      Create a plugin package (--kind middleware|provider, --dir <folder>)

Options for serve:
  --config <file>        YAML or JSON config (default: $SWITCHYARD_CONFIG, else embedded defaults)
  --port <port>          Port to listen on (default: $PORT, else 8787)
  --host <host>          Address to listen on (default: 127.0.0.1)
  -h, --help             Show this help
  -v, --version          Show the version

${adminUsage}`;

export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: CliIo = {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

function version(): string {
  const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/**
 * Runs the CLI. Returns the exit code for one-shot commands; for `serve` returns the running server
 * (the process stays up until a signal).
 */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number | RunningServer> {
  const first = argv.find((argument) => argument !== '--');
  if (first === 'plugin') return pluginCommand(argv.slice(argv.indexOf(first) + 1), io);
  if (first === 'keys' || first === 'spend' || first === 'experiments') {
    try {
      return await runAdminCommand(first, argv.slice(argv.indexOf(first) + 1), io);
    } catch (error) {
      io.stderr(`switchyard: ${(error as Error).message}\n`);
      return 2;
    }
  }
  let parsed: ReturnType<typeof parseCliArgs>;
  try {
    parsed = parseCliArgs(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(usage);
    return 0;
  }
  if (values.version) {
    io.stdout(`${version()}\n`);
    return 0;
  }
  const [command = 'serve', ...rest] = positionals;
  try {
    if (command === 'serve') return await serve(values, io);
    if (command === 'config' && rest[0] === 'check') {
      if (rest[1]) return await checkConfig(rest[1], io);
      io.stderr(`switchyard config check needs a file: switchyard config check <file>\n`);
      return 2;
    }
    io.stderr(`Unknown command: ${positionals.join(' ')}\n\n${usage}`);
    return 2;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    io.stderr(`switchyard: ${(error as Error).message}\n`);
    return 1;
  }
}

function parseCliArgs(argv: readonly string[]) {
  return parseArgs({
    // `pnpm start -- --port 9000` forwards the `--`: it separates the script's flags, not ours.
    args: argv.filter((argument) => argument !== '--'),
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

async function serve(values: { config?: string; port?: string; host?: string }, io: CliIo): Promise<RunningServer> {
  const file = values.config ?? io.env.SWITCHYARD_CONFIG;
  const config: SwitchyardConfig = file ? await loadConfigFile(file, io.env) : parseConfig({}, io.env);
  // A blank PORT (`PORT=` in a compose file) counts as unset rather than as port 0, a random port.
  const portText = values.port ?? (io.env.PORT?.trim() ? io.env.PORT : undefined);
  const port = portText === undefined ? config.server.port : /^\d+$/.test(portText.trim()) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${portText}"`);
  const host = values.host ?? config.server.host;
  const logger = createJsonLogger({ level: config.server.logLevel, write: io.stdout });
  const gateway = await loadGatewayFromConfig(config, { env: io.env, logger, source: file });
  let running: RunningServer;
  try {
    running = await startServer({ gateway, host, port });
  } catch (error) {
    // The port is taken or the host cannot be bound: release the providers before reporting.
    await gateway.close();
    throw error;
  }
  const providers = [...gateway.registry.providers.keys()].join(', ');
  // The one line a newcomer looks for is written whatever the log level, unless logging is silenced.
  const startupLogger = config.server.logLevel === 'silent' ? logger : createJsonLogger({ level: 'info', write: io.stdout });
  startupLogger.info(`switchyard listening on ${running.url} (providers: ${providers})`, { url: running.url, providers });
  return running;
}

async function checkConfig(file: string, io: CliIo): Promise<number> {
  const config = await loadConfigFile(file, io.env);
  const { providers } = buildFromConfig(config, io.env, file);
  await Promise.all(providers.map((provider) => provider.close?.()));
  io.stdout(
    `${file} is valid.\n  providers: ${providers.map((provider) => provider.id).join(', ')}\n  models: ${Object.keys(config.models).join(', ') || '(none)'}\n`,
  );
  return 0;
}

function pluginCommand(argv: readonly string[], io: CliIo): number {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.filter((argument) => argument !== '--'),
      allowPositionals: true,
      options: { kind: { type: 'string' }, dir: { type: 'string' } },
    });
  } catch (error) {
    io.stderr(`${(error as Error).message}\n`);
    return 2;
  }
  const [action, name] = parsed.positionals;
  const kind = (parsed.values.kind ?? 'middleware') as string;
  if (action !== 'new' || !name || (kind !== 'middleware' && kind !== 'provider')) {
    io.stderr('usage: switchyard plugin new <package-name> [--kind middleware|provider] [--dir <folder>]\n');
    return 2;
  }
  try {
    const dir = parsed.values.dir;
    const created = scaffoldPlugin({ name, kind: kind as PluginKind, ...(typeof dir === 'string' ? { directory: dir } : {}) });
    io.stdout(
      `Created ${name} in ${created.directory}:\n${created.files.map((file) => `  ${file}`).join('\n')}\nNext: cd ${created.directory} && npm install && npm test\n`,
    );
    return 0;
  } catch (error) {
    io.stderr(`switchyard: ${(error as Error).message}\n`);
    return 1;
  }
}
