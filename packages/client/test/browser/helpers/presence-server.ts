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
