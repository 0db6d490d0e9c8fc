import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisCluster, startRedisServer } from '@vip-presence/test-kit';
import {
  countsChannel,
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  publishCounts,
  type PostCount,
  type PubSubMode,
  type RedisClient,
  type RedisTarget,
} from '../../src/index.js';

interface Setup {
  target: RedisTarget;
  mode: PubSubMode;
  stop(): Promise<void>;
}

const setups: [string, () => Promise<Setup>][] = [
  [
    'classic pub/sub on one redis-server',
    async () => {
      const redis = await startRedisServer();
      return { target: { url: redis.url }, mode: 'classic', stop: () => redis.stop() };
    },
  ],
  [
    'sharded pub/sub on a Redis Cluster',
    async () => {
      const cluster = await startRedisCluster();
      return { target: { nodes: cluster.nodes }, mode: 'sharded', stop: () => cluster.stop() };
    },
  ],
];

describe.each(setups)('counts channel, %s', (_label, start) => {
  let setup: Setup;
  let publisher: RedisClient;
  let subscriber: RedisClient;
  let channel: CountsSubscriber;
  const heard: PostCount[] = [];
  const next = () => once(subscriber, setup.mode === 'sharded' ? 'smessage' : 'message');

  beforeAll(async () => {
    setup = await start();
    publisher = createStoreConnection(setup.target);
    await publisher.connect();
    subscriber = createPubSubConnection(setup.target);
    channel = new CountsSubscriber({
      subscriber,
      mode: setup.mode,
      keyPrefix: 't',
      onCount: (count) => heard.push(count),
    });
  }, 60_000);
  afterAll(async () => {
    publisher?.disconnect();
    subscriber?.disconnect();
    await setup?.stop();
  });

  /** How many subscribers Redis delivered a post's message to. */
  const receivers = (postId: number) =>
    setup.mode === 'sharded'
      ? publisher.spublish(countsChannel(postId, 't'), '1 1')
      : publisher.publish(countsChannel(postId, 't'), '1 1');

  it('should deliver the counts of followed posts, and no other post reaches the node', async () => {
    await channel.follow(11);
    const arrived = next();
    const delivered = await publishCounts(publisher, setup.mode, 't', [
      { postId: 11, count: 3, seq: 100 },
      { postId: 12, count: 9, seq: 200 },
    ]);
    await arrived;
    expect(delivered).toBe(1);
    expect(heard).toEqual([{ postId: 11, count: 3, seq: 100 }]);
    expect(await receivers(12)).toBe(0);
    expect(await receivers(11)).toBe(1);
  });

  it('should stop routing a post to the node once it unfollows', async () => {
    await channel.follow(21);
    expect(await receivers(21)).toBe(1);
    await channel.unfollow(21);
    await channel.follow(22);
    expect(await receivers(21)).toBe(0);
    expect(channel.size).toBe(2);
  });

  it('should subscribe once however often a post is followed', async () => {
    await Promise.all([channel.follow(31), channel.follow(31), channel.follow(31)]);
    expect(await receivers(31)).toBe(1);
  });

  it("should keep two sites' channels apart on one connection, and close one alone", async () => {
    const heardB: PostCount[] = [];
    const siteB = new CountsSubscriber({
      subscriber,
      mode: setup.mode,
      keyPrefix: 't:site:b',
      onCount: (count) => heardB.push(count),
    });
    await channel.follow(41);
    await siteB.follow(41);
    heard.length = 0;
    let arrived = next();
    await publishCounts(publisher, setup.mode, 't:site:b', [{ postId: 41, count: 5, seq: 300 }]);
    await arrived;
    expect(heardB).toEqual([{ postId: 41, count: 5, seq: 300 }]);
    expect(heard).toEqual([]);
    await siteB.close();
    expect(siteB.size).toBe(0);
    arrived = next();
    await publishCounts(publisher, setup.mode, 't', [{ postId: 41, count: 6, seq: 400 }]);
    await arrived;
    expect(heard).toEqual([{ postId: 41, count: 6, seq: 400 }]);
    expect(heardB).toHaveLength(1);
    expect(
      await publishCounts(publisher, setup.mode, 't:site:b', [{ postId: 41, count: 7, seq: 500 }]),
    ).toBe(0);
  });
});
