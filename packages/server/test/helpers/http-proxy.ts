import { once } from 'node:events';
import { createServer, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import httpProxy from 'http-proxy';

export interface HttpProxy {
  /** `http://127.0.0.1:port`: where clients connect. */
  url: string;
  close(): Promise<void>;
}

/**
 * A real HTTP reverse proxy (`http-proxy`) in front of `target`, websockets included, that
 * appends the address it was reached from to `X-Forwarded-For` (`xfwd`), as nginx's
 * `$proxy_add_x_forwarded_for` and cloud load balancers do. `localAddress`: the loopback address
 * it connects to `target` from.
 */
export async function startHttpProxy(
  target: string,
  options: { localAddress?: string } = {},
): Promise<HttpProxy> {
  const proxy = httpProxy.createProxyServer({
    target,
    ws: true,
    xfwd: true,
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
  });
  proxy.on('error', (_error, _request, response) => {
    if (response instanceof ServerResponse) response.writeHead(502).end();
    else (response as Socket).destroy();
  });
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  // Both ends of each websocket: the client's, and the proxy's own to the target.
  proxy.on('open', track);
  const server = createServer((request, response) => proxy.web(request, response));
  server.on('upgrade', (request, socket, head) => proxy.ws(request, socket, head));
  server.on('connection', track);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      proxy.close();
      server.close();
      await once(server, 'close');
    },
  };
}
