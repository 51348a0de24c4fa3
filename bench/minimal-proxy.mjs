#!/usr/bin/env node
// The floor: the least a Node proxy can do. node:http in -> undici.Pool.stream() out, raw byte pass-through
// of the body, status, content-type and content-length. No parsing, no logging.
//   node bench/minimal-proxy.mjs --upstream http://127.0.0.1:9101 [--port 0] [--host 127.0.0.1]
// Prints `{"ready":true,"port":N}` on stdout once listening. Importable: `startMinimalProxy({ upstream })`.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const pick = (from, names) => {
  const out = {};
  for (const name of names) if (from[name] !== undefined) out[name] = from[name];
  return out;
};

export async function startMinimalProxy({ upstream, port = 0, host = '127.0.0.1', connections = 256 }) {
  const pool = new Pool(new URL(upstream).origin, { connections, keepAliveTimeout: 60_000 });
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const headers = pick(req.headers, ['content-type', 'content-length', 'authorization', 'accept']);
    pool.stream(
      { method: req.method, path: req.url, headers, body: hasBody ? req : null },
      ({ statusCode, headers: h }) => {
        res.writeHead(statusCode, pick(h, ['content-type', 'content-length']));
        return res;
      },
      (error) => {
        if (!error) return;
        if (res.headersSent) return void res.destroy(error);
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `minimal-proxy: ${error.message}`, type: 'bad_gateway' } }));
      },
    );
  });
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  const close = async () => {
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await pool.close();
  };
  return { port: actualPort, url: `http://${host}:${actualPort}`, server, close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } } });
  if (!values.upstream) throw new Error('--upstream <url> is required');
  const proxy = await startMinimalProxy({ upstream: values.upstream, port: Number(values.port ?? 0), host: values.host });
  process.stdout.write(`${JSON.stringify({ ready: true, port: proxy.port, pid: process.pid })}\n`);
  const stop = () => proxy.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
