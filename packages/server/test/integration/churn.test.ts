import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import {
  closeAllClients,
  connectClient,
  newVisitorId,
  type TestClient,
} from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

let redis: RedisProcess;
let nodes: PresenceServer[];

beforeAll(async () => {
  redis = await startRedis();
  nodes = [
    createPresenceServer({ redisUrl: redis.url, coalesceWindowMs: 50 }),
    createPresenceServer({ redisUrl: redis.url, coalesceWindowMs: 50 }),
  ];
  await Promise.all(nodes.map((node) => node.listen()));
});

afterAll(async () => {
  closeAllClients();
  await Promise.all(nodes.map((node) => node.close()));
  await redis?.stop();
});

it('should never send a negative count and settle on the true count after random churn', async () => {
  const POST = 500;
  // A small deterministic PRNG, so a failure can be replayed.
  let seed = 20261128;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const visitors = Array.from({ length: 8 }, () => newVisitorId());
  const watchers = await Promise.all(nodes.map((node) => connectClient(node.url)));
  for (const watcher of watchers) await watcher.request('presence:watch', { postIds: [POST] });

  const tabs: { client: TestClient; visitorId: string; joined: boolean }[] = [];
  for (let step = 0; step < 150; step += 1) {
    const roll = random();
    const open = tabs.filter((tab) => tab.client.socket.connected);
    if (roll < 0.35 || open.length === 0) {
      const visitorId = visitors[Math.floor(random() * visitors.length)]!;
      const node = nodes[Math.floor(random() * nodes.length)]!;
      const client = await connectClient(node.url, { visitorId });
      await client.request('presence:join', { postId: POST });
      tabs.push({ client, visitorId, joined: true });
    } else {
      const tab = open[Math.floor(random() * open.length)]!;
      if (roll < 0.6 && tab.joined) {
        await tab.client.request('presence:leave', { postId: POST });
        tab.joined = false;
      } else if (roll < 0.75 && !tab.joined) {
        await tab.client.request('presence:join', { postId: POST });
        tab.joined = true;
      } else {
        tab.client.close();
        tab.joined = false;
      }
    }
  }
  const expected = new Set(
    tabs.filter((tab) => tab.joined && tab.client.socket.connected).map((tab) => tab.visitorId),
  ).size;
  await Promise.all(
    watchers.map((watcher) => watcher.waitForCount(POST, (c) => c.count === expected, 5_000)),
  );
  for (const watcher of watchers) {
    expect(watcher.counts.every((c) => c.count >= 0 && Number.isInteger(c.count))).toBe(true);
    const seqs = watcher.counts.map((c) => c.seq ?? 0);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  }
  // The store agrees, read fresh.
  const fresh = await connectClient(nodes[0]!.url);
  expect(await fresh.request('presence:watch', { postIds: [POST] })).toEqual({
    ok: true,
    counts: { [POST]: expected },
  });
});
