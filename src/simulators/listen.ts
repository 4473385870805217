import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Binds a simulator's HTTP server and returns the URL clients should use: a wildcard bind (0.0.0.0, ::) is
 * reached through loopback, and IPv6 hosts are bracketed.
 */
export async function listenForUrl(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${urlHost}:${bound}`;
}
