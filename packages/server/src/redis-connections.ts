import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import {
  createPubSubConnection,
  type PubSubMode,
  type RedisClient,
  type RedisTarget,
} from '@vip-presence/store';
import type { ServerOptions } from 'socket.io';

/**
 * Pub/sub connections and the Socket.IO adapter. Classic mode (PUBLISH) on a single Redis; sharded
 * mode (SPUBLISH/SSUBSCRIBE, Redis 7) on a cluster, where classic PUBLISH would reach every shard.
 */
export interface AdapterConnections {
  /** Pass to `io.adapter()`. */
  adapter: ServerOptions['adapter'];
  clients: RedisClient[];
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
  mode: PubSubMode,
  prefix: string,
): AdapterConnections {
  const channel = `${prefix}:sio`;
  const pub = createPubSubConnection(target);
  const sub = createPubSubConnection(target);
  const adapter =
    mode === 'sharded'
      ? createShardedAdapter(pub, sub, { ...SHARDED_OPTIONS, channelPrefix: channel })
      : createAdapter(pub, sub, { key: channel });
  return { adapter, clients: [pub, sub] };
}
