import { createServer, connect, type Socket } from 'node:net';
import { once } from 'node:events';

export interface TcpProxy {
  url: string;
  /** The network vanishes: bytes stop flowing both ways, but no FIN or RST is sent (half-open). */
  cut(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy in front of `targetPort`, for cutting a client's network. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs: [Socket, Socket][] = [];
  let cut = false;
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    pairs.push([client, upstream]);
    for (const socket of [client, upstream]) socket.on('error', () => undefined);
    client.on('data', (chunk) => cut || upstream.write(chunk));
    upstream.on('data', (chunk) => cut || client.write(chunk));
    client.on('end', () => cut || upstream.end());
    upstream.on('end', () => cut || client.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      cut = true;
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      server.close();
      await once(server, 'close');
    },
  };
}
