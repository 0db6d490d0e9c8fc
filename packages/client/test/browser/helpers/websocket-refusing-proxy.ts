import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebSocketRefusingProxy {
  /** `http://127.0.0.1:port`: the presence server behind this proxy. */
  readonly url: string;
  /** WebSocket upgrades refused so far. */
  readonly refusedUpgrades: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of `target` that passes plain HTTP requests and refuses every WebSocket
 * upgrade (403), like the strict corporate proxies `allowPolling` is for.
 */
export async function startWebSocketRefusingProxy(target: string): Promise<WebSocketRefusingProxy> {
  const { hostname, port } = new URL(target);
  let refusedUpgrades = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const forwarded = request(
      { hostname, port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.on('upgrade', (_request, socket) => {
    refusedUpgrades++;
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refusedUpgrades() {
      return refusedUpgrades;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
