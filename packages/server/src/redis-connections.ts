import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Cluster, Redis } from 'ioredis';
import type { ServerOptions } from 'socket.io';

/** Where Redis is: one server (`url`) or a Redis Cluster (seed `nodes`, "host:port"). */
export type RedisTarget = { url: string } | { nodes: string[] };

export type AdapterMode = 'classic' | 'sharded';

function seeds(nodes: string[]) {
  return nodes.map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
  });
}

/**
 * The store's connection: it refuses at once while Redis is away (no offline queue), so joins
 * get `unavailable` instead of queueing without bound.
 */
export function createStoreConnection(target: RedisTarget): Redis | Cluster {
  if ('url' in target) {
    return new Redis(target.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
  }
  return new Cluster(seeds(target.nodes), {
    lazyConnect: true,
    enableOfflineQueue: false,
    redisOptions: { maxRetriesPerRequest: 1 },
  });
}

/**
 * Pub/sub connections and the Socket.IO adapter. Classic mode (PUBLISH) on a single Redis; sharded
 * mode (SPUBLISH/SSUBSCRIBE, Redis 7) on a cluster, where classic PUBLISH would reach every shard.
 */
export interface AdapterConnections {
  /** Pass to `io.adapter()`. */
  adapter: ServerOptions['adapter'];
  clients: (Redis | Cluster)[];
}

/**
 * The sharded adapter's default ("dynamic") subscribes a shard channel per room as rooms come and
 * go; every post makes two rooms here, and counts go out with `io.local` anyway. When the master
 * of such a channel failed, the unhandled rejection of that subscription ended the node (bench FO:
 * a master killed under load took one of two nodes down). "static": one channel per namespace,
 * subscribed once.
 */
const SHARDED_OPTIONS = { subscriptionMode: 'static' } as const;

export function createAdapterConnections(
  target: RedisTarget,
  mode: AdapterMode,
  prefix: string,
): AdapterConnections {
  const channel = `${prefix}:sio`;
  if ('url' in target) {
    const pub = new Redis(target.url);
    const sub = pub.duplicate();
    const adapter =
      mode === 'sharded'
        ? createShardedAdapter(pub, sub, { ...SHARDED_OPTIONS, channelPrefix: channel })
        : createAdapter(pub, sub, { key: channel });
    return { adapter, clients: [pub, sub] };
  }
  // Sharded subscribers on a cluster need shardedSubscribers, else SSUBSCRIBE is redirected forever.
  const pub = new Cluster(seeds(target.nodes), { shardedSubscribers: true });
  const sub = new Cluster(seeds(target.nodes), { shardedSubscribers: true });
  const adapter =
    mode === 'sharded'
      ? createShardedAdapter(pub, sub, { ...SHARDED_OPTIONS, channelPrefix: channel })
      : createAdapter(pub, sub, { key: channel });
  return { adapter, clients: [pub, sub] as (Redis | Cluster)[] };
}

/** Channel on which the sharded adapter's nodes hear server-side emits of the default namespace. */
export function shardedServerChannel(prefix: string): string {
  return `${prefix}:sio#/#`;
}
