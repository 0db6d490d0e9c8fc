import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startRedisServer } from '@vip-presence/test-kit';
import { createStoreConnection, postKeys, RedisStore, SERIES_BUCKETS } from '../../src/index.js';

/**
 * The series' memory per post, as `docs/capacity.md` states it: bounded by the ring however long
 * a post is read, and small for a post read a little. Bucket length does not change the layout,
 * so buckets of 1 ms fill the whole ring in a second and a half.
 */
describe('readers over time in Redis memory', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let client: Redis;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = createStoreConnection({ url: redis.url }) as Redis;
    await client.connect();
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.stop();
  });

  const usage = async (postId: number) =>
    Number(await client.call('MEMORY', 'USAGE', postKeys(postId).series, 'SAMPLES', '0'));

  it('should keep a post read for one bucket in a few hundred bytes', async () => {
    const store = new RedisStore(client, { viewWindowMs: 60_000, seriesBucketMs: 60_000 });
    await store.refresh('node-a', 60_000, new Map([[1, ['a', 'b']]]));
    expect(await usage(1)).toBeLessThan(256);
  });

  it('should keep at most 25 chunks and 24 KB per post however long it is read', async () => {
    const store = new RedisStore(client, { viewWindowMs: 60_000, seriesBucketMs: 1 });
    const started = Date.now();
    let renewals = 0;
    // Past the whole ring and into the chunks it reuses.
    while (Date.now() - started < 2 * SERIES_BUCKETS) {
      await store.refresh('node-a', 60_000, new Map([[2, ['a', 'b', 'c']]]));
      renewals += 1;
    }
    expect(renewals).toBeGreaterThan(SERIES_BUCKETS);
    expect(await client.hlen(postKeys(2).series)).toBeLessThanOrEqual(25 + 2);
    expect(await usage(2)).toBeLessThan(24_576);
    const [series] = await store.series([2], SERIES_BUCKETS);
    const recorded = series!.points.filter((point) => point?.max === 3);
    // Most buckets of the last 1,440 ms saw a renewal; none reads anything else but 3 or 0.
    expect(recorded.length).toBeGreaterThan(SERIES_BUCKETS / 2);
    expect(series!.points.every((p) => p !== null && (p.max === 3 || p.max === 0))).toBe(true);
    // Expires a ring's length after its last new bucket, with nobody reading.
    expect(await client.pttl(postKeys(2).series)).toBeLessThanOrEqual(SERIES_BUCKETS);
  });
});
