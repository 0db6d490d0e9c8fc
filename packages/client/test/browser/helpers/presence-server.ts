import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createPresenceServer,
  type PresenceServer,
  type PresenceServerOptions,
} from '@vip-presence/server';

/** A real presence server (embedded store) on 127.0.0.1; port 0: a free one. */
export async function startPresenceServer(
  options: PresenceServerOptions = {},
  port = 0,
): Promise<PresenceServer> {
  const server = createPresenceServer(options);
  await server.listen(port, '127.0.0.1');
  return server;
}

/** The live count of a post, read from the server's store. */
export async function storedCount(server: PresenceServer, postId: number): Promise<number> {
  const [count] = await server.store.counts([postId]);
  return count?.count ?? 0;
}

/**
 * Lets the server answer Engine.IO long-polling. Its HTTP API listens to the HTTP server after
 * Socket.IO attached to it, so it answers every request on the Socket.IO path too (404, sent
 * before Engine.IO's answer) and a polling client never connects: a bug of packages/server,
 * reported. Keeps the listeners after Socket.IO's (which passes other paths on) off that path;
 * does nothing once the API is registered first.
 */
export function servePolling(server: PresenceServer): void {
  const { httpServer } = server;
  const [engine, ...others] = httpServer.listeners('request') as Array<
    (request: IncomingMessage, response: ServerResponse) => void
  >;
  if (!engine || !others.length) return;
  httpServer.removeAllListeners('request');
  httpServer.on('request', engine);
  for (const listener of others) {
    httpServer.on('request', (request: IncomingMessage, response: ServerResponse) => {
      if (!request.url?.startsWith('/socket.io/')) {
        listener.call(httpServer, request, response);
      }
    });
  }
}
