/**
 * `startRedisServer()`: a real `redis-server` on a free loopback port for tests, with the faults they need
 * (SIGKILL, restart on the same port, SIGSTOP/SIGCONT). Every server started is killed when the test
 * process exits, and a watchdog kills it if the test process dies without running its exit handlers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** The binary to run; default `$REDIS_SERVER_BIN` or `redis-server` on the PATH. */
  binary?: string;
  /** Extra command-line arguments (`['--cluster-enabled', 'yes']`). */
  args?: readonly string[];
  /**
   * A config file, passed first (`redis-server <file> --port …`); Sentinel needs one it can rewrite:
   * `{ configFile: path, args: ['--sentinel'] }`.
   */
  configFile?: string;
  /** How long to wait for the first PONG. Default 10 s. */
  startTimeoutMs?: number;
}

export interface RedisServer {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The running process id (changes on restart). */
  readonly pid: number | undefined;
  /** SIGTERM (after SIGCONT if paused), then waits for the process to exit. */
  stop(): Promise<void>;
  /** SIGKILL: the crash case; waits for the process to exit. */
  kill(): Promise<void>;
  /** Starts a fresh server (empty: no persistence) on the same port; stops the current one first if it runs. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its socket open and answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
}

const notFound = 'redis-server not found: apt-get install -y redis-server';

/** Every live server process of this test process, killed at exit. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** Sends PING on a fresh connection; true when the answer is PONG. */
function ping(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      // A server with `requirepass` answers NOAUTH: it is up all the same.
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG') || answer.startsWith('-NOAUTH'));
    });
    socket.on('error', () => done(false));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return once(child, 'exit').then(() => undefined);
}

/** Kills `target` if the process `parent` goes away first (SIGKILL of the test runner skips exit hooks). */
export function watchdog(parent: number, target: number): ChildProcess | undefined {
  try {
    const child = spawn('sh', ['-c', `while kill -0 ${parent} 2>/dev/null; do sleep 1; done; kill -9 ${target} 2>/dev/null`], {
      stdio: 'ignore',
      detached: true,
    });
    child.on('error', () => undefined);
    child.unref();
    return child;
  } catch {
    return undefined;
  }
}

interface Running {
  child: ChildProcess;
  guard: ChildProcess | undefined;
  output: () => string;
}

async function launch(
  binary: string,
  port: number,
  dir: string,
  args: readonly string[],
  startTimeoutMs: number,
  configFile: string | undefined,
): Promise<Running> {
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    binary,
    [
      ...(configFile === undefined ? [] : [configFile]),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (data: Buffer) => {
    output = (output + data.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  live.add(child);
  child.once('exit', () => live.delete(child));
  installExitHook();

  const startedAt = Date.now();
  let failure: Error | undefined;
  spawnError.then((error) => {
    failure = error;
  });
  while (Date.now() - startedAt < startTimeoutMs) {
    if (failure !== undefined) {
      live.delete(child);
      const code = (failure as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? notFound : `redis-server failed to start: ${failure.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `redis-server exited before answering PING (port ${port}): ${output.trim().split('\n').slice(-5).join(' | ')}`,
      );
    }
    if (await ping(port, 500)) {
      const guard = child.pid === undefined ? undefined : watchdog(process.pid, child.pid);
      return { child, guard, output: () => output };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  child.kill('SIGKILL');
  await exited(child);
  throw new Error(`redis-server did not answer PING within ${startTimeoutMs} ms (port ${port}).`);
}

/**
 * Starts `redis-server --port <free loopback port> --bind 127.0.0.1 --save "" --appendonly no` and waits
 * until it answers PING. Fails with "redis-server not found: apt-get install -y redis-server" when the
 * binary is missing.
 */
export async function startRedisServer({
  binary = process.env.REDIS_SERVER_BIN ?? 'redis-server',
  args = [],
  startTimeoutMs = 10_000,
  configFile,
}: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  let port = 0;
  let running: Running | undefined;
  // The free port can be taken between finding it and binding it: try a few.
  for (let attempt = 0; running === undefined; attempt++) {
    port = await freeLoopbackPort();
    try {
      running = await launch(binary, port, dir, args, startTimeoutMs, configFile);
    } catch (error) {
      if (attempt >= 2 || (error instanceof Error && error.message === notFound)) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const halt = async (signal: NodeJS.Signals) => {
    const current = running;
    running = undefined;
    if (current === undefined) return;
    current.guard?.kill('SIGKILL');
    if (current.child.exitCode === null && current.child.signalCode === null) {
      if (signal !== 'SIGKILL') current.child.kill('SIGCONT');
      current.child.kill(signal);
    }
    await exited(current.child);
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return running?.child.pid;
    },
    async stop() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => halt('SIGKILL'),
    async restart() {
      await halt('SIGTERM');
      running = await launch(binary, port, dir, args, startTimeoutMs, configFile);
    },
    pause() {
      running?.child.kill('SIGSTOP');
    },
    resume() {
      running?.child.kill('SIGCONT');
    },
  };
}
