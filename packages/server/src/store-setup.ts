import {
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  defaultPubSubMode,
  MemoryStore,
  RedisStore,
  type PostCount,
  type PresenceStore,
  type PubSubMode,
  type RedisClient,
  type RedisTarget,
} from '@vip-presence/store';
import type { ServerOptions } from 'socket.io';
import type { ResolvedOptions } from './options.js';
import { createAdapterConnections } from './redis-connections.js';

/** Where presence lives: the embedded memory store, or Redis with its connections. */
export interface StoreSetup {
  store: PresenceStore;
  /** The store's Redis connection (unset: embedded); counts are published on it. */
  client?: RedisClient;
  mode: PubSubMode;
  /** The Socket.IO Redis adapter (unset: embedded). */
  adapter?: ServerOptions['adapter'];
  /** The counts channel of the posts read here (unset: embedded, one node). */
  counts?: CountsSubscriber;
  /** Every Redis connection, to close on shutdown. */
  clients: RedisClient[];
}

/**
 * Redis when `redisClusterNodes` or `redisUrl` is set (store, adapter and counts channel, each on
 * its own connection), else the embedded store. `onCount` hears counts published by the other
 * nodes and the gc for the posts followed here.
 */
export function setUpStore(opts: ResolvedOptions, onCount: (count: PostCount) => void): StoreSetup {
  const target: RedisTarget | undefined =
    opts.redisClusterNodes.length > 0
      ? { nodes: opts.redisClusterNodes }
      : opts.redisUrl
        ? { url: opts.redisUrl }
        : undefined;
  if (!target) {
    return {
      store: new MemoryStore({ viewWindowMs: opts.viewWindowMs }),
      mode: 'classic',
      clients: [],
    };
  }
  const mode = opts.adapterMode ?? defaultPubSubMode('nodes' in target);
  const client = createStoreConnection(target);
  const store = new RedisStore(client, {
    viewWindowMs: opts.viewWindowMs,
    keyPrefix: opts.keyPrefix,
  });
  const { adapter, clients: adapterClients } = createAdapterConnections(
    target,
    mode,
    opts.keyPrefix,
  );
  const subscriber = createPubSubConnection(target);
  const counts = new CountsSubscriber({
    subscriber,
    mode,
    keyPrefix: opts.keyPrefix,
    onCount,
  });
  // Errors of the other connections are reported through the store's own.
  for (const other of [...adapterClients, subscriber]) other.on('error', () => undefined);
  return { store, client, mode, adapter, counts, clients: [client, ...adapterClients, subscriber] };
}
