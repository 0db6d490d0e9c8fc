import { readFile } from 'node:fs/promises';
import { io as connect } from 'socket.io-client';
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

/** A GET on the private listener (`/metrics`, the read API, the probes). */
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.privateUrl}${path}`, { headers });
/** A GET on the public listener (Socket.IO, the probes). */
const getPublic = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers });

/** The JSON answer the README's HTTP table shows for a route (the row starting `GET <route>`). */
async function documentedAnswer(route: string): Promise<unknown> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const row = readme.split('\n').find((line) => line.startsWith(`| \`GET ${route}\``));
  return JSON.parse(/^\| `[^`]+` +\| `(\{.*?\})`/.exec(row ?? '')?.[1] ?? 'null');
}

/** A JSON value with every leaf replaced by its type: the shape two answers must share. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, shapeOf(v)]));
}

describe('HTTP endpoints', () => {
  it.each([
    ['public', getPublic],
    ['private', get],
  ])('should answer /healthz and /readyz on the %s listener', async (_listener, request) => {
    const health = await request('/healthz');
    expect(health.status).toBe(200);
    // The version WordPress's Site Health compares with what its tokens need.
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    expect(await health.json()).toEqual({ status: 'ok', version });
    const ready = await request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, store: 'redis' });
  });

  it.each(['/metrics', '/api/v1/counts?postIds=1', '/api/v1/top', '/api/v1/nope', '/nope'])(
    'should answer %s with 404 on the public listener, even with the credential',
    async (path) => {
      const response = await getPublic(path, auth);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found' });
    },
  );

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
    const stats = (peak: number) => ({
      count: peak,
      peak,
      peakAt: expect.any(Number),
      views: peak,
    });
    expect(await counts.json()).toEqual({
      counts: { 10: 2, 11: 1, 12: 0 },
      stats: { 10: stats(2), 11: stats(1), 12: { count: 0, peak: 0, peakAt: null, views: 0 } },
    });
    await expect
      .poll(async () => (await (await get('/api/v1/top?limit=2', auth)).json()) as unknown, {
        timeout: 3_000,
      })
      .toEqual({
        posts: [
          { postId: 10, ...stats(2) },
          { postId: 11, ...stats(1) },
        ],
      });
  });

  it('should report the peak of a post, when it was reached, and its views, after readers left', async () => {
    const exp = Math.floor(Date.now() / 1000) + 600;
    const token = signViewToken(SECRET, 30, exp);
    const before = Date.now();
    const [first, second, third] = await Promise.all([
      connectClient(server.url),
      connectClient(server.url),
      connectClient(server.url),
    ]);
    await first!.request('presence:join', { postId: 30, token });
    await second!.request('presence:join', { postId: 30, token });
    const peakReached = Date.now();
    await second!.request('presence:leave', { postId: 30 });
    await first!.request('presence:leave', { postId: 30 });
    await third!.request('presence:join', { postId: 30, token });
    // The same visitor back within the view window is no new view.
    await third!.request('presence:leave', { postId: 30 });
    await third!.request('presence:join', { postId: 30, token });

    const body = (await (await get('/api/v1/counts?postIds=30', auth)).json()) as {
      counts: Record<string, number>;
      stats: Record<string, { count: number; peak: number; peakAt: number; views: number }>;
    };
    expect(body.counts).toEqual({ 30: 1 });
    expect(body.stats[30]).toEqual({ count: 1, peak: 2, peakAt: expect.any(Number), views: 3 });
    expect(body.stats[30]!.peakAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(body.stats[30]!.peakAt).toBeLessThanOrEqual(peakReached + 1_000);
    await expect
      .poll(
        async () =>
          ((await (await get('/api/v1/top?limit=100', auth)).json()) as { posts: unknown[] }).posts,
        { timeout: 3_000 },
      )
      .toContainEqual({ postId: 30, ...body.stats[30] });
  });

  it('should answer the read API in the shapes its README documents', async () => {
    const viewer = await connectClient(server.url);
    const exp = Math.floor(Date.now() / 1000) + 600;
    await viewer.request('presence:join', { postId: 1, token: signViewToken(SECRET, 1, exp) });
    const counts = await (await get('/api/v1/counts?postIds=1,2', auth)).json();
    expect(shapeOf(counts)).toEqual(shapeOf(await documentedAnswer('/api/v1/counts?postIds=1,2')));
    const top = (await documentedAnswer('/api/v1/top?limit=10')) as { posts: unknown[] };
    await expect
      .poll(async () => shapeOf(await (await get('/api/v1/top?limit=10', auth)).json()), {
        timeout: 3_000,
      })
      .toEqual({ posts: expect.arrayContaining([shapeOf(top.posts[0])]) });
    const answered = (await (await get('/api/v1/top?limit=10', auth)).json()) as typeof top;
    for (const post of answered.posts) expect(shapeOf(post)).toEqual(shapeOf(top.posts[0]));
    viewer.close();
  });

  it('should answer readers over time in the shapes its README documents', async () => {
    const viewer = await connectClient(server.url);
    const exp = Math.floor(Date.now() / 1000) + 600;
    await viewer.request('presence:join', { postId: 5, token: signViewToken(SECRET, 5, exp) });
    // Unknown buckets (null) and known ones (numbers) are one shape: a point.
    const looseShape = (value: unknown) =>
      JSON.stringify(shapeOf(value)).replaceAll('"null"', '"number"');
    const counts = (await (await get('/api/v1/counts?postIds=5&series=3', auth)).json()) as {
      stats: Record<string, { series: { from: number; bucketMs: number; max: unknown[] } }>;
    };
    expect(looseShape(counts).replaceAll('"5"', '"1"')).toBe(
      looseShape(await documentedAnswer('/api/v1/counts?postIds=1&series=3')),
    );
    const { series } = counts.stats[5]!;
    expect(series.bucketMs).toBe(60_000);
    expect(series.from).toBe((Math.floor(Date.now() / 60_000) - 2) * 60_000);
    // Joined just now: no heartbeat recorded it yet, so the current bucket is the live count.
    expect(series.max).toEqual([null, null, 1]);
    const top = (await documentedAnswer('/api/v1/top?limit=10&series=3')) as { posts: unknown[] };
    await expect
      .poll(async () => await (await get('/api/v1/top?limit=10&series=3', auth)).json(), {
        timeout: 3_000,
      })
      .toMatchObject({ posts: expect.arrayContaining([expect.objectContaining({ postId: 5 })]) });
    const answered = (await (await get('/api/v1/top?limit=10&series=3', auth)).json()) as {
      posts: unknown[];
    };
    for (const post of answered.posts) expect(looseShape(post)).toBe(looseShape(top.posts[0]));
    viewer.close();
  });

  it.each([
    ['/api/v1/counts?postIds=1&series=0', 'invalid_payload'],
    ['/api/v1/counts?postIds=1&series=1441', 'invalid_payload'],
    ['/api/v1/counts?postIds=1&series=1e2', 'invalid_payload'],
    ['/api/v1/top?series=-1', 'invalid_payload'],
    [
      `/api/v1/counts?postIds=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}&series=1`,
      'invalid_payload',
    ],
  ])('should refuse %s with 400 %s', async (path, error) => {
    const response = await get(path, auth);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
  });

  it('should refuse series with 400 series_off on a server that keeps none', async () => {
    const off = createPresenceServer({ seriesBucketMs: 0 });
    await off.listen();
    try {
      for (const path of ['/api/v1/counts?postIds=1&series=5', '/api/v1/top?series=5']) {
        const response = await fetch(`${off.privateUrl}${path}`);
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: 'series_off' });
      }
      expect((await fetch(`${off.privateUrl}/api/v1/top`)).status).toBe(200);
    } finally {
      await off.close();
    }
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

  it("should leave Socket.IO's own path to Socket.IO: long-polling works beside the API", async () => {
    // The SDK's allowPolling: no WebSocket at all, every packet an HTTP request on /socket.io/.
    const socket = connect(server.url, {
      transports: ['polling'],
      auth: { visitorId: 'polling-visitor-0001' },
      // A browser's (Node's XMLHttpRequest names itself, and crawlers' lists know it).
      extraHeaders: {
        'user-agent':
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
      },
      reconnection: false,
      forceNew: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(socket.io.engine.transport.name).toBe('polling');
      const token = signViewToken(SECRET, 88, Math.floor(Date.now() / 1000) + 600);
      expect(
        await socket.timeout(5_000).emitWithAck('presence:join', { postId: 88, token }),
      ).toMatchObject({
        ok: true,
        count: 1,
      });
    } finally {
      socket.disconnect();
    }
  });

  it('should refuse requests with a body', async () => {
    const response = await fetch(`${server.privateUrl}/api/v1/counts?postIds=1`, {
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
