import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gateway } from '@switchyard/core';
import { createNodeHandler } from '@switchyard/node-http';

export interface StartServerOptions {
  gateway: Gateway;
  host?: string;
  port?: number;
}

export interface RunningServer {
  /** `http://host:port`, the port being the real one when 0 was asked for. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /**
   * Stops accepting, ends idle keep-alive sockets, lets open requests finish for up to `graceMs`, cuts
   * what remains, then closes the gateway.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Serves a gateway over HTTP with Node's own server. */
export async function startServer({ gateway, host = '127.0.0.1', port = 8787 }: StartServerOptions): Promise<RunningServer> {
  const server = createServer({ keepAliveTimeout: 65_000 }, createNodeHandler(gateway));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    server,
    async close({ graceMs = 10_000 } = {}) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
      await gateway.close();
    },
  };
}
