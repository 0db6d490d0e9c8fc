/**
 * Sites (DESIGN 20): sites sharing one server, and one Redis, never mix their posts. Post 5 of
 * site A and post 5 of site B are two posts in every count, on every node, in Redis, in the read
 * API; a token of one site is refused on the other (the refusals are in bad-input.test.ts).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signViewToken } from '@vip-presence/protocol/token';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, newVisitorId } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

const SECRET = 'sites-secret-0123456789abcdef';
const READ_TOKEN = 'sites-read-token-0123456789';
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const token = (postId: number, site?: string) => signViewToken(SECRET, postId, inAnHour(), site);

let redis: RedisProcess;
let nodes: PresenceServer[];

beforeAll(async () => {
  redis = await startRedis();
  nodes = [0, 1].map(() =>
    createPresenceServer({
      redisUrl: redis.url,
      secret: SECRET,
      readApiToken: READ_TOKEN,
      heartbeatIntervalMs: 200,
    }),
  );
  await Promise.all(nodes.map((node) => node.listen()));
});

afterEach(async () => {
  closeAllClients();
  await redis.flush();
});

afterAll(async () => {
  await Promise.all(nodes.map((node) => node.close()));
  await redis?.stop();
});

const on = (node: number, site?: string) =>
  connectClient(nodes[node]!.url, {
    auth: site ? { visitorId: newVisitorId(), site } : { visitorId: newVisitorId() },
  });

const read = async (path: string) => {
  const res = await fetch(`${nodes[0]!.privateUrl}${path}`, {
    headers: { Authorization: `Bearer ${READ_TOKEN}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('sites', () => {
  it('should count the same post id of two sites apart, on one node and across nodes', async () => {
    const watchA = await on(0, 'site-a');
    const watchB = await on(0, 'site-b');
    const watchDefault = await on(0);
    for (const watcher of [watchA, watchB, watchDefault])
      await watcher.request('presence:watch', { postIds: [5] });

    const a1 = await on(0, 'site-a');
    const a2 = await on(1, 'site-a');
    const b1 = await on(1, 'site-b');
    expect(
      await a1.request('presence:join', { postId: 5, token: token(5, 'site-a') }),
    ).toMatchObject({ ok: true, count: 1 });
    expect(
      await b1.request('presence:join', { postId: 5, token: token(5, 'site-b') }),
    ).toMatchObject({ ok: true, count: 1 });
    expect(
      await a2.request('presence:join', { postId: 5, token: token(5, 'site-a') }),
    ).toMatchObject({ ok: true, count: 2 });
    await watchA.waitForCount(5, (c) => c.count === 2);
    await watchB.waitForCount(5, (c) => c.count === 1);

    // A leave on site A (from the other node) reaches A's readers and nobody else's.
    a2.close();
    await watchA.waitForCount(5, (c) => c.count === 1);
    expect(watchB.counts.map((c) => c.count)).toEqual([0, 1]);
    const b2 = await on(1, 'site-b');
    await b2.request('presence:join', { postId: 5, token: token(5, 'site-b') });
    await watchB.waitForCount(5, (c) => c.count === 2);
    expect(watchA.lastCount(5)?.count).toBe(1);
    // The default site's post 5 never had anyone.
    expect(watchDefault.counts.map((c) => c.count)).toEqual([0]);
  });

  it("should keep a site's keys under its own prefix and list it for the gc", async () => {
    const k = await on(0, 'site-k');
    const plain = await on(0);
    await k.request('presence:join', { postId: 7, token: token(7, 'site-k') });
    await plain.request('presence:join', { postId: 7, token: token(7) });
    const keys = (await redis.client.keys('*')).sort();
    expect(keys).toContain('vp:site:site-k:{p7}:viewers');
    expect(keys).toContain('vp:{p7}:viewers');
    expect(
      keys.filter((key) => !key.startsWith('vp:site:site-k:') && key.includes('site-k')),
    ).toEqual([]);
    expect(await redis.client.smembers('vp:sites')).toEqual(['site-k']);
    // Redis lost everything: the next heartbeat lists the site again, with its leases.
    await redis.flush();
    await nodes[0]!.heartbeat();
    expect(await redis.client.smembers('vp:sites')).toEqual(['site-k']);
    expect(await redis.client.zcard('vp:site:site-k:{p7}:viewers')).toBe(1);
  });

  it('should answer the read API for the site it names, and refuse a malformed one', async () => {
    const a = [await on(0, 'site-a'), await on(1, 'site-a')];
    const b = await on(0, 'site-b');
    for (const c of a) await c.request('presence:join', { postId: 9, token: token(9, 'site-a') });
    await b.request('presence:join', { postId: 9, token: token(9, 'site-b') });
    await b.request('presence:join', { postId: 11, token: token(11, 'site-b') });

    // Peaks and views are the site's too: post 9 had 2 readers on site A, 1 on site B.
    const stats = (n: number) => ({ count: n, peak: n, peakAt: expect.any(Number), views: n });
    const none = { count: 0, peak: 0, peakAt: null, views: 0 };
    expect(await read('/api/v1/counts?postIds=9,11&site=site-a')).toEqual({
      status: 200,
      body: { counts: { '9': 2, '11': 0 }, stats: { '9': stats(2), '11': none } },
    });
    expect(await read('/api/v1/counts?postIds=9,11&site=site-b')).toEqual({
      status: 200,
      body: { counts: { '9': 1, '11': 1 }, stats: { '9': stats(1), '11': stats(1) } },
    });
    expect(await read('/api/v1/counts?postIds=9')).toEqual({
      status: 200,
      body: { counts: { '9': 0 }, stats: { '9': none } },
    });
    await expect
      .poll(async () => (await read('/api/v1/top?site=site-a')).body)
      .toEqual({ posts: [{ postId: 9, ...stats(2) }] });
    await expect
      .poll(async () => (await read('/api/v1/top?site=site-b&limit=5')).body.posts)
      .toEqual(
        expect.arrayContaining([
          { postId: 9, ...stats(1) },
          { postId: 11, ...stats(1) },
        ]),
      );
    expect((await read('/api/v1/top')).body).toEqual({ posts: [] });
    for (const site of ['a.b', '', 'x'.repeat(65)]) {
      expect(await read(`/api/v1/top?site=${site}`)).toMatchObject({
        status: 400,
        body: { error: 'invalid_site' },
      });
    }
  });

  it('should forget a site nobody reads on the node any more', async () => {
    const sitesGauge = async () => {
      const text = await (await fetch(`${nodes[1]!.privateUrl}/metrics`)).text();
      return Number(/^vip_presence_sites (\d+)$/m.exec(text)?.[1]);
    };
    await expect.poll(sitesGauge).toBe(1); // only the default site
    const c = await on(1, 'site-c');
    await c.request('presence:join', { postId: 3, token: token(3, 'site-c') });
    expect(await sitesGauge()).toBe(2);
    c.close();
    await expect.poll(sitesGauge).toBe(1);
    // It comes back as it went: a new reader of the site is counted as before.
    const again = await on(1, 'site-c');
    expect(
      await again.request('presence:join', { postId: 3, token: token(3, 'site-c') }),
    ).toMatchObject({ ok: true, count: 1 });
  });
});

describe('sites on the embedded store', () => {
  let server: PresenceServer;
  beforeAll(async () => {
    server = createPresenceServer({ secret: SECRET });
    await server.listen();
  });
  afterAll(() => server?.close());

  it('should count the same post id of two sites apart', async () => {
    const auth = (site?: string) => ({ auth: { visitorId: newVisitorId(), site } });
    const a = await connectClient(server.url, auth('site-a'));
    const b = await connectClient(server.url, auth('site-b'));
    const d = await connectClient(server.url, auth());
    expect(
      await a.request('presence:join', { postId: 5, token: token(5, 'site-a') }),
    ).toMatchObject({ ok: true, count: 1 });
    expect(
      await b.request('presence:join', { postId: 5, token: token(5, 'site-b') }),
    ).toMatchObject({ ok: true, count: 1 });
    expect(await d.request('presence:join', { postId: 5, token: token(5) })).toMatchObject({
      ok: true,
      count: 1,
    });
    expect((await server.storeOf('site-a').counts([5]))[0]?.count).toBe(1);
    b.close();
    await expect.poll(async () => (await server.storeOf('site-b').counts([5]))[0]?.count).toBe(0);
    expect((await server.storeOf('site-a').counts([5]))[0]?.count).toBe(1);
  });
});
