import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreConnection, type RedisTarget } from '../../src/redis-connections.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { startRedisCluster } from '../helpers/redis-cluster.js';
import { startRedis } from '../helpers/redis.js';

/** A store on a fresh connection to `target`; `stop` also stops the Redis behind it. */
async function storeOn(target: RedisTarget, stopRedis: () => Promise<void>) {
  const client = createStoreConnection(target);
  await client.connect();
  const store = new RedisStore(client, { viewWindowMs: 60_000 });
  return { store, stop: async () => (client.disconnect(), await stopRedis()) };
}

/** Each on a single Redis (many posts per refresh call) and on a Redis Cluster (one per call). */
const setups: [string, () => ReturnType<typeof storeOn>][] = [
  [
    'a single Redis',
    async () => {
      const redis = await startRedis();
      return storeOn({ url: redis.url }, () => redis.stop());
    },
  ],
  [
    'a Redis Cluster',
    async () => {
      const cluster = await startRedisCluster();
      return storeOn({ nodes: cluster.nodes }, () => cluster.stop());
    },
  ],
];

describe.each(setups)('RedisStore on %s', (_label, start) => {
  let store: RedisStore;
  let stop: () => Promise<void>;
  beforeAll(async () => ({ store, stop } = await start()), 60_000);
  afterAll(() => stop());

  it("should renew a heartbeat's leases over many posts and a hot one, each post with its own count", async () => {
    // 250 posts of 1..7 visitors, and a hot post bigger than one refresh call.
    const leases = new Map<number, string[]>();
    for (let postId = 1; postId <= 250; postId++) {
      leases.set(
        postId,
        Array.from({ length: (postId % 7) + 1 }, (_, i) => `v${postId}-${i}`),
      );
    }
    leases.set(
      9_999,
      Array.from({ length: 2_500 }, (_, i) => `hot-${i}`),
    );
    const expected = new Map([...leases].map(([postId, ids]) => [postId, ids.length]));

    const renewed = await store.refresh('node-a', 60_000, leases);
    expect(new Map(renewed.map((c) => [c.postId, c.count]))).toEqual(expected);
    const counts = await store.counts([...leases.keys()]);
    expect(new Map(counts.map((c) => [c.postId, c.count]))).toEqual(expected);

    // The same visitors renewed by a second node are still counted once (people, not tabs).
    const again = await store.refresh('node-b', 60_000, leases);
    expect(new Map(again.map((c) => [c.postId, c.count]))).toEqual(expected);
    // Nothing changed, so no post's seq moved.
    const seqs = new Map(renewed.map((c) => [c.postId, c.seq]));
    for (const count of again) expect(count.seq).toBe(seqs.get(count.postId));
  });
});
