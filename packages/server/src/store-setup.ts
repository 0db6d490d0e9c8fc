import {
  MemoryAddressConnections,
  RedisAddressConnections,
  createPubSubConnection,
  createStoreConnection,
  defaultPubSubMode,
  MemoryStore,
  RedisStore,
  type AddressConnections,
  type PresenceStore,
  type PubSubMode,
  type RedisClient,
} from '@vip-presence/store';
import type { ServerOptions } from 'socket.io';
import { seriesSampleGapMs } from './liveness.js';
import type { ResolvedOptions } from './options.js';
import { createAdapterConnections } from './redis-connections.js';
import { redisTargetOf } from './redis-target.js';

/** Where presence lives: the embedded memory store, or Redis with its connections. */
export interface StoreSetup {
  /** The store of one site's posts (undefined: the default site). */
  storeFor(site: string | undefined): PresenceStore;
  /** The store's Redis connection (unset: embedded); counts are published on it. */
  client?: RedisClient;
  /** The connection that follows the counts channel (unset: embedded, one node). */
  subscriber?: RedisClient;
  mode: PubSubMode;
  /** The Socket.IO Redis adapter (unset: embedded). */
  adapter?: ServerOptions['adapter'];
  /** Every Redis connection, to close on shutdown. */
  clients: RedisClient[];
  /** Connections per client address, over all nodes (unset: `maxConnectionsPerIp` is 0). */
  addressConnections?: AddressConnections;
}

/**
 * Redis when `redisClusterNodes`, `redisSentinels` or `redisUrl` is set (store, adapter and
 * counts channel, each on its own connection; every site's store shares the one store
 * connection), else the embedded store, one per site, kept as long as the node runs.
 */
export function setUpStore(opts: ResolvedOptions): StoreSetup {
  const target = redisTargetOf(opts);
  const series = {
    seriesBucketMs: opts.seriesBucketMs,
    seriesSampleGapMs: seriesSampleGapMs(opts),
  };
  if (!target) {
    const stores = new Map<string | undefined, MemoryStore>();
    const storeFor = (site: string | undefined) => {
      let store = stores.get(site);
      if (!store) {
        stores.set(site, (store = new MemoryStore({ viewWindowMs: opts.viewWindowMs, ...series })));
      }
      return store;
    };
    const addressConnections =
      opts.maxConnectionsPerIp > 0
        ? new MemoryAddressConnections({ maxPerAddress: opts.maxConnectionsPerIp })
        : undefined;
    return { storeFor, mode: 'classic', clients: [], addressConnections };
  }
  const mode = opts.adapterMode ?? defaultPubSubMode('nodes' in target);
  const client = createStoreConnection(target);
  const storeFor = (site: string | undefined) =>
    new RedisStore(client, {
      viewWindowMs: opts.viewWindowMs,
      keyPrefix: opts.keyPrefix,
      site,
      ...series,
    });
  const { adapter, clients: adapterClients } = createAdapterConnections(
    target,
    mode,
    opts.keyPrefix,
  );
  const subscriber = createPubSubConnection(target);
  // Errors of the other connections are reported through the store's own.
  for (const other of [...adapterClients, subscriber]) other.on('error', () => undefined);
  // Kept per address over all nodes, renewed by this node's heartbeat, gone with a dead node.
  const addressConnections =
    opts.maxConnectionsPerIp > 0
      ? new RedisAddressConnections(client, {
          nodeId: opts.nodeId,
          maxPerAddress: opts.maxConnectionsPerIp,
          ttlMs: opts.sessionTtlMs,
          keyPrefix: opts.keyPrefix,
        })
      : undefined;
  return {
    storeFor,
    client,
    addressConnections,
    subscriber,
    mode,
    adapter,
    clients: [client, ...adapterClients, subscriber],
  };
}
