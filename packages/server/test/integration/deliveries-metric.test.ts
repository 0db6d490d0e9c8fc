/**
 * `vip_presence_count_deliveries_total` counts the count messages that really went out: summed
 * over the nodes, it equals the `presence:count` messages the sockets received. Readers told by
 * their join ack, readers that leave mid-way and counts merged while a pass waited must not be
 * counted; a count sent to one socket outside a pass (a watcher catching up) must. Read from each
 * node's private metrics listener, as an operator would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, type TestClient } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

let redis: RedisProcess;
let nodes: [PresenceServer, PresenceServer];

beforeAll(async () => {
  redis = await startRedis();
  nodes = [0, 1].map(() =>
    createPresenceServer({ redisUrl: redis.url, coalesceWindowMs: 100 }),
  ) as [PresenceServer, PresenceServer];
  await Promise.all(nodes.map((node) => node.listen()));
});
afterEach(() => closeAllClients());
afterAll(async () => {
  await Promise.all(nodes.map((node) => node?.close()));
  await redis?.stop();
});

/** The deliveries counter of every node, summed. */
async function deliveries(): Promise<number> {
  const values = await Promise.all(
    nodes.map(async (node) => {
      const text = await (await fetch(`${node.privateUrl}/metrics`)).text();
      const match = /^vip_presence_count_deliveries_total (\d+)$/m.exec(text);
      if (!match) throw new Error('vip_presence_count_deliveries_total is not on /metrics');
      return Number(match[1]);
    }),
  );
  return values.reduce((a, b) => a + b, 0);
}

const received = (clients: TestClient[]) => clients.reduce((a, c) => a + c.counts.length, 0);

/** Joins and expects the ack to be a success; the count the ack told. */
async function join(client: TestClient, postId: number): Promise<number> {
  const ack = await client.request<{ ok: boolean; count: number }>('presence:join', { postId });
  expect(ack).toMatchObject({ ok: true });
  return ack.count;
}

describe('the count deliveries metric', () => {
  it('should count each count a pass sent, over two nodes, and nothing it did not send', async () => {
    const POST = 700;
    const before = await deliveries();
    const [a, b] = nodes;
    // Readers that are viewers: each learns its own join's count from its ack.
    const first = await Promise.all([a.url, b.url, a.url].map((url) => connectClient(url)));
    const leaver = await connectClient(b.url);
    const readers = [...first, leaver];
    const upTo = (count: number) =>
      Promise.all(
        readers.slice(0, count - 1).map((r) => r.waitForCount(POST, (c) => c.count === count)),
      );
    for (const [i, reader] of readers.entries()) {
      expect(await join(reader, POST)).toBe(i + 1);
      await upTo(i + 1);
    }

    // A viewer leaves mid-way: nothing reaches it after its ack.
    expect(await leaver.request('presence:leave', { postId: POST })).toEqual({ ok: true });
    const leaverHad = leaver.counts.length;
    await Promise.all(first.map((r) => r.waitForCount(POST, (c) => c.count === 3)));

    // A burst within one window: counts replaced while a pass waits are merged, not sent.
    const late = await Promise.all([a.url, b.url, a.url, b.url].map((url) => connectClient(url)));
    const told = await Promise.all(late.map((v) => join(v, POST)));
    expect(told).toContain(7);
    const behind = late.filter((_v, i) => told[i] !== 7);
    await Promise.all([...first, ...behind].map((r) => r.waitForCount(POST, (c) => c.count === 7)));

    const sockets = [...readers, ...late];
    // The metric moves as the emits go out; the messages arrive a moment later.
    await expect.poll(async () => (await deliveries()) - before).toBe(received(sockets));
    expect(received(sockets)).toBeGreaterThan(0);
    expect(leaver.counts.length).toBe(leaverHad);
    expect(sockets.flatMap((s) => s.counts).every((c) => c.postId === POST)).toBe(true);
  });

  it('should count the count a watcher is sent as it starts watching', async () => {
    const POST = 701;
    const [a, b] = nodes;
    const viewer = await connectClient(a.url);
    expect(await join(viewer, POST)).toBe(1);
    const before = await deliveries();
    const watchers = await Promise.all([a.url, b.url].map((url) => connectClient(url)));
    for (const watcher of watchers) {
      expect(await watcher.request('presence:watch', { postIds: [POST] })).toEqual({
        ok: true,
        counts: { [POST]: 1 },
      });
    }
    // Then a change, which every reader gets.
    const second = await connectClient(b.url);
    expect(await join(second, POST)).toBe(2);
    await Promise.all([viewer, ...watchers].map((r) => r.waitForCount(POST, (c) => c.count === 2)));

    const sockets = [viewer, ...watchers, second];
    await expect.poll(async () => (await deliveries()) - before).toBe(received(sockets));
  });
});
