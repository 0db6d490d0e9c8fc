import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isPortFree } from '../src/index.js';

async function listen(port: number): Promise<net.Server> {
  const server = net.createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('freePort', () => {
  it('should hand out a port that can be listened on at once', async () => {
    const port = await freePort();
    const server = await listen(port);
    expect((server.address() as net.AddressInfo).port).toBe(port);
    server.close();
  });

  it('should hand out a port whose offset port is free too', async () => {
    const port = await freePort({ alsoFreeAt: [10_000] });
    expect(port + 10_000).toBeLessThanOrEqual(65_535);
    expect(await isPortFree(port + 10_000)).toBe(true);
  });
});

describe('isPortFree', () => {
  it('should say a port is taken while something listens on it, and free once it closed', async () => {
    const port = await freePort();
    const server = await listen(port);
    expect(await isPortFree(port)).toBe(false);
    server.close();
    await once(server, 'close');
    expect(await isPortFree(port)).toBe(true);
  });
});
