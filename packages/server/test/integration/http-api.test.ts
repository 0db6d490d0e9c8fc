import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';
import { signViewToken } from '@vip-presence/protocol/token';

const SECRET = 'http-api-secret-0123456789';
let redis: RedisProcess;
let server: PresenceServer;
const auth = { Authorization: `Bearer ${SECRET}` };

beforeAll(async () => {
  redis = await startRedis();
  server = createPresenceServer({ redisUrl: redis.url, secret: SECRET });
  await server.listen();
});

afterAll(async () => {
  closeAllClients();
  await server?.close();
  await redis?.stop();
});

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers });

describe('HTTP endpoints', () => {
  it('should answer /healthz and /readyz', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, store: 'redis' });
  });

  it('should expose Prometheus metrics without any ids', async () => {
    const c = await connectClient(server.url);
    const token = signViewToken(SECRET, 77, Math.floor(Date.now() / 1000) + 600);
    await c.request('presence:join', { postId: 77, token });
    const text = await (await get('/metrics')).text();
    expect(text).toMatch(/^vip_presence_connections 1$/m);
    expect(text).toMatch(/^vip_presence_joins_total 1$/m);
    expect(text).not.toContain(c.visitorId);
    expect(text).not.toContain(c.socket.id ?? 'no-socket-id');
    c.close();
  });

  it('should refuse the read API without the secret', async () => {
    expect((await get('/api/v1/counts?postIds=1')).status).toBe(401);
    expect((await get('/api/v1/top', { Authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('should return counts and top posts with the secret', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const viewers = await Promise.all([
      connectClient(server.url),
      connectClient(server.url),
      connectClient(server.url),
    ]);
    await viewers[0]!.request('presence:join', {
      postId: 10,
      token: signViewToken(SECRET, 10, exp),
    });
    await viewers[1]!.request('presence:join', {
      postId: 10,
      token: signViewToken(SECRET, 10, exp),
    });
    await viewers[2]!.request('presence:join', {
      postId: 11,
      token: signViewToken(SECRET, 11, exp),
    });
    const counts = await get('/api/v1/counts?postIds=10,11,12', auth);
    expect(await counts.json()).toEqual({ counts: { 10: 2, 11: 1, 12: 0 } });
    await expect
      .poll(async () => (await (await get('/api/v1/top?limit=2', auth)).json()) as unknown, {
        timeout: 3_000,
      })
      .toEqual({
        posts: [
          { postId: 10, count: 2 },
          { postId: 11, count: 1 },
        ],
      });
  });

  it.each([
    ['/api/v1/counts', 400],
    ['/api/v1/counts?postIds=1,-2', 400],
    ['/api/v1/counts?postIds=1.5', 400],
    ['/api/v1/top?limit=1000', 400],
    ['/nope', 404],
  ])('should answer %s with %i', async (path, status) => {
    expect((await get(path, auth)).status).toBe(status);
  });

  it('should refuse requests with a body', async () => {
    const response = await fetch(`${server.url}/api/v1/counts?postIds=1`, {
      method: 'POST',
      headers: auth,
      body: 'x'.repeat(1_000_000),
    });
    expect(response.status).toBe(405);
  });

  it('should report not ready while Redis is down and ready again after', async () => {
    await redis.down();
    await expect.poll(async () => (await get('/readyz')).status, { timeout: 5_000 }).toBe(503);
    await redis.up();
    await expect.poll(async () => (await get('/readyz')).status, { timeout: 10_000 }).toBe(200);
  });
});
