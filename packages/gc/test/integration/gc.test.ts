import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSweeper, type Sweeper } from '../../src/index.js';
// The server's test helpers: real socket.io clients, and the server's executable as a process (the
// gc's tests run real server nodes, without the server package in this one's dependencies).
import {
  closeAllClients,
  connectClient,
  newVisitorId,
} from '../../../server/test/helpers/clients.js';
import {
  killAllProcesses,
  startServerProcess,
  type NodeProcess,
} from '../../../server/test/helpers/processes.js';
import { startRedis, type RedisProcess } from '../../../server/test/helpers/redis.js';

const SHORT_LEASES = { HEARTBEAT_INTERVAL_MS: '250', SESSION_TTL_MS: '750' };
/** Nodes that do not prune posts themselves: what their readers see of a dead node comes from the gc. */
const LONG_LEASES = { HEARTBEAT_INTERVAL_MS: '60000', SESSION_TTL_MS: '120000' };
const silent = pino({ level: 'silent' });

let redis: RedisProcess;
let gcClient: Redis;
let gc: Sweeper;
let reader: NodeProcess;
let other: NodeProcess;

beforeAll(async () => {
  redis = await startRedis();
  gcClient = new Redis(redis.url);
  gc = createSweeper({ redis: gcClient, intervalMs: 200, logger: silent });
  gc.start();
  reader = await startServerProcess({ REDIS_URL: redis.url, ...LONG_LEASES });
  other = await startServerProcess({ REDIS_URL: redis.url, ...LONG_LEASES });
});

afterAll(async () => {
  await killAllProcesses();
  await gc?.stop();
  gcClient?.disconnect();
  await redis?.stop();
});

/** Live counts of `posts` as the read API of `reader` sees them (read only: it prunes nothing). */
async function readCounts(posts: number[]): Promise<Record<string, number>> {
  const response = await fetch(`${reader.privateUrl}/api/v1/counts?postIds=${posts.join(',')}`);
  return ((await response.json()) as { counts: Record<string, number> }).counts;
}

/** Nodes started by one test only, killed after it. */
const doomedNodes: NodeProcess[] = [];
const startDoomed = async () => {
  const node = await startServerProcess({ REDIS_URL: redis.url, ...SHORT_LEASES });
  doomedNodes.push(node);
  return node;
};
afterEach(async () => {
  closeAllClients();
  await Promise.all(doomedNodes.splice(0).map((node) => node.crash()));
});

describe('two server nodes and the gc', () => {
  it('should count a visitor with tabs on two nodes once while the gc sweeps', async () => {
    const visitorId = newVisitorId();
    const tabA = await connectClient(reader.url, { visitorId });
    const tabB = await connectClient(other.url, { visitorId });
    await tabA.request('presence:join', { postId: 1 });
    expect(await tabB.request('presence:join', { postId: 1 })).toMatchObject({ count: 1 });
    await gc.sweepOnce();
    const watcher = await connectClient(other.url);
    expect(await watcher.request('presence:watch', { postIds: [1] })).toEqual({
      ok: true,
      counts: { 1: 1 },
    });
  });

  it("should reclaim a killed node's sessions and announce the leave to readers on other nodes", async () => {
    const doomed = await startDoomed();
    const watcher = await connectClient(reader.url);
    await watcher.request('presence:watch', { postIds: [2] });
    const viewers = await Promise.all([
      connectClient(doomed.url),
      connectClient(doomed.url),
      connectClient(other.url),
    ]);
    for (const viewer of viewers) await viewer.request('presence:join', { postId: 2 });
    await watcher.waitForCount(2, (c) => c.count === 3);

    await doomed.crash();
    // Lease (750 ms) + one gc interval (200 ms), with slack for a shared machine.
    await watcher.waitForCount(2, (c) => c.count === 1, 2_500);
    // The memory is reclaimed: only the live viewer is left in Redis, and the count of its
    // address (the cap of visitors per address and post: `@<address>` fields, see the store).
    expect(await redis.client.zcard('vp:{p2}:viewers')).toBe(1);
    // All three came from one address: the two reclaimed ones no longer count against its cap.
    const fields = Object.entries(await redis.client.hgetall('vp:{p2}:leases'));
    expect(fields.filter(([field]) => !field.startsWith('@'))).toHaveLength(1);
    expect(fields.filter(([field]) => field.startsWith('@')).map(([, n]) => n)).toEqual(['1']);
  });

  it('should leave no session keys once everyone has gone and the gc ran', async () => {
    const doomed = await startDoomed();
    const viewer = await connectClient(doomed.url);
    await viewer.request('presence:join', { postId: 3 });
    await doomed.crash();
    await expect
      .poll(
        async () => (await redis.client.exists('vp:{p3}:viewers', 'vp:{p3}:leases')) as number,
        { timeout: 3_000 },
      )
      .toBe(0);
    expect(await redis.client.zcard('vp:top:{t3}')).toBe(0);
  });
});

describe('sites', () => {
  it("should reclaim a killed node's sessions of every site and tell each site's readers only", async () => {
    const doomed = await startDoomed();
    const onSite = (url: string, site: string) =>
      connectClient(url, { auth: { visitorId: newVisitorId(), site } });
    const watchA = await onSite(reader.url, 'site-a');
    const watchB = await onSite(reader.url, 'site-b');
    await watchA.request('presence:watch', { postIds: [4] });
    await watchB.request('presence:watch', { postIds: [4] });
    for (const site of ['site-a', 'site-a', 'site-b']) {
      await (await onSite(doomed.url, site)).request('presence:join', { postId: 4 });
    }
    const stayer = await onSite(other.url, 'site-b');
    await stayer.request('presence:join', { postId: 4 });
    await watchA.waitForCount(4, (c) => c.count === 2);
    await watchB.waitForCount(4, (c) => c.count === 2);
    expect(await redis.client.smembers('vp:sites')).toEqual(
      expect.arrayContaining(['site-a', 'site-b']),
    );

    await doomed.crash();
    // Lease (750 ms) + one gc interval (200 ms), with slack for a shared machine.
    await watchA.waitForCount(4, (c) => c.count === 0, 2_500);
    await watchB.waitForCount(4, (c) => c.count === 1, 2_500);
    expect(await redis.client.zcard('vp:site:site-a:{p4}:viewers')).toBe(0);
    expect(await redis.client.zcard('vp:site:site-b:{p4}:viewers')).toBe(1);
    expect(await redis.client.exists('vp:{p4}:viewers')).toBe(0);
  });
});

describe('a gc stopped for a long stretch', () => {
  it('should find counts right all along and reclaim the memory once it runs again', async () => {
    await gc.stop();
    try {
      const doomed = await startDoomed();
      const posts = [60, 61, 62];
      for (const postId of posts) {
        const viewer = await connectClient(doomed.url);
        await viewer.request('presence:join', { postId });
      }
      await doomed.crash();
      const counts = () => readCounts(posts);
      // No gc: the expired leases stay in Redis, and are not counted.
      await expect
        .poll(async () => Object.values(await counts()), { timeout: 3_000 })
        .toEqual([0, 0, 0]);
      for (const postId of posts)
        expect(await redis.client.zcard(`vp:{p${postId}}:viewers`)).toBe(1);
      // The gc comes back: the memory is reclaimed.
      const changed = await createSweeper({ redis: gcClient, logger: silent }).sweepOnce();
      expect(changed.map((c) => c.postId).sort()).toEqual(posts);
      for (const postId of posts) {
        expect(await redis.client.exists(`vp:{p${postId}}:viewers`, `vp:{p${postId}}:leases`)).toBe(
          0,
        );
      }
    } finally {
      gc.start();
    }
  });
});

describe('several gcs at once', () => {
  it('should reclaim and announce each expired session once', async () => {
    await gc.stop();
    try {
      const nodes = await Promise.all([1, 2].map(() => startDoomed()));
      const posts = Array.from({ length: 20 }, (_, i) => 100 + i);
      for (const [i, postId] of posts.entries()) {
        const viewer = await connectClient(nodes[i % 2]!.url);
        await viewer.request('presence:join', { postId });
      }
      const seqBefore = await Promise.all(posts.map((p) => redis.client.get(`vp:{p${p}}:seq`)));
      await Promise.all(nodes.map((node) => node.crash()));
      // Wait until every lease has expired, as the read API (read only: it prunes nothing) sees it.
      const counts = () => readCounts(posts);
      await expect
        .poll(async () => Object.values(await counts()).every((c) => c === 0), { timeout: 3_000 })
        .toBe(true);

      const clients = [1, 2, 3].map(() => new Redis(redis.url));
      const sweepers = clients.map((client) => createSweeper({ redis: client, logger: silent }));
      const results = await Promise.all(sweepers.map((s) => s.sweepOnce()));
      clients.forEach((client) => client.disconnect());

      const announced = results
        .flat()
        .map((c) => c.postId)
        .sort((x, y) => x - y);
      expect(announced).toEqual(posts);
      const seqAfter = await Promise.all(posts.map((p) => redis.client.get(`vp:{p${p}}:seq`)));
      seqAfter.forEach((seq, i) => expect(Number(seq)).toBeGreaterThan(Number(seqBefore[i])));
      // A second round finds nothing left to do.
      const again = await createSweeper({ redis: gcClient, logger: silent }).sweepOnce();
      expect(again).toEqual([]);
    } finally {
      gc.start();
    }
  });
});
