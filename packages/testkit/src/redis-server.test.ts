import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRedisServer, watchdog } from './redis-server.js';

/** Sends one inline command on a fresh connection; the first reply line, or undefined on timeout/refusal. */
function send(port: number, command: string, timeoutMs = 300): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let answer = '';
    const done = (result: string | undefined) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      answer += data.toString();
      if (answer.includes('\r\n')) done(answer.split('\r\n')[0]);
    });
    socket.on('error', () => done(undefined));
  });
}

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const startedAt = Date.now();
  while (!condition()) {
    if (Date.now() - startedAt > timeoutMs) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

describe('startRedisServer', () => {
  it('starts a loopback server that answers, and supports kill, restart on the same port, pause, resume and stop', async () => {
    const server = await startRedisServer();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await send(server.port, 'PING')).toBe('+PONG');
    await send(server.port, 'SET k v');

    const firstPid = server.pid;
    await server.kill();
    expect(alive(firstPid)).toBe(false);
    expect(await send(server.port, 'PING')).toBeUndefined();

    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    expect(await send(server.port, 'PING')).toBe('+PONG');
    expect(await send(server.port, 'GET k')).toBe('$-1');

    server.pause();
    expect(await send(server.port, 'PING')).toBeUndefined();
    server.resume();
    expect(await send(server.port, 'PING', 2_000)).toBe('+PONG');

    const pid = server.pid;
    server.pause();
    // stop() wakes a paused server so that SIGTERM can end it.
    await server.stop();
    expect(alive(pid)).toBe(false);
  });

  it('passes extra arguments', async () => {
    const server = await startRedisServer({ args: ['--maxmemory', '12mb'] });
    try {
      // *2, $9, maxmemory, $8, 12582912
      const socket = createConnection({ host: '127.0.0.1', port: server.port });
      socket.write('CONFIG GET maxmemory\r\n');
      let reply = '';
      for await (const chunk of socket) {
        reply += String(chunk);
        if (reply.split('\r\n').length >= 6) break;
      }
      socket.destroy();
      expect(reply.split('\r\n')[4]).toBe(String(12 * 1024 * 1024));
    } finally {
      await server.stop();
    }
  });

  it('says how to install redis-server when the binary is missing', async () => {
    await expect(startRedisServer({ binary: 'redis-server-that-does-not-exist' })).rejects.toThrow(
      'redis-server not found: apt-get install -y redis-server',
    );
  });

  it('the watchdog kills the server when the test process dies without cleaning up', async () => {
    const parent = spawn('sleep', ['30'], { stdio: 'ignore' });
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    const targetExit = once(target, 'exit');
    try {
      watchdog(parent.pid as number, target.pid as number);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(target.pid)).toBe(true);
      parent.kill('SIGKILL');
      const [, signal] = await targetExit;
      expect(signal).toBe('SIGKILL');
      expect(await waitUntil(() => !alive(target.pid), 3_000)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      target.kill('SIGKILL');
    }
  });
});
