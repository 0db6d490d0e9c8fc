import { Cluster, Redis } from 'ioredis';

/** Where Redis is: one server (`url`) or a Redis Cluster (seed `nodes`, "host:port"). */
export type RedisTarget = { url: string } | { nodes: string[] };

/**
 * How nodes publish to each other: "classic" (PUBLISH/SUBSCRIBE) or "sharded"
 * (SPUBLISH/SSUBSCRIBE, Redis 7: on a Cluster a message goes to one shard, not to all).
 */
export type PubSubMode = 'classic' | 'sharded';

export type RedisClient = Redis | Cluster;

/** Sharded on a Cluster, classic on one Redis. */
export function defaultPubSubMode(isCluster: boolean): PubSubMode {
  return isCluster ? 'sharded' : 'classic';
}

/** Cluster seed nodes as ioredis takes them. */
export function clusterSeeds(nodes: readonly string[]): { host: string; port: number }[] {
  return nodes.map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
  });
}

/**
 * The store's connection: it refuses at once while Redis is away (no offline queue), so joins
 * get `unavailable` instead of queueing without bound. Call `connect()` before use.
 */
export function createStoreConnection(target: RedisTarget): RedisClient {
  if ('url' in target) {
    return new Redis(target.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
  }
  return new Cluster(clusterSeeds(target.nodes), {
    lazyConnect: true,
    enableOfflineQueue: false,
    redisOptions: { maxRetriesPerRequest: 1 },
  });
}

/**
 * A connection for subscribing (the counts channel, the Socket.IO adapter). On a Cluster it
 * subscribes to sharded channels on the shard that owns each one (`shardedSubscribers`); without
 * that SSUBSCRIBE is redirected forever.
 */
export function createPubSubConnection(target: RedisTarget): RedisClient {
  if ('url' in target) return new Redis(target.url);
  return new Cluster(clusterSeeds(target.nodes), { shardedSubscribers: true });
}
