import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * TLS to Redis. Present: every connection is TLS (a `rediss://` URL is TLS either way). The
 * server's certificate is verified, always: against `ca` when given, else the system's CAs.
 */
export interface RedisTls {
  /** CA certificates (PEM) that signed the servers' certificates. Default: the system's CAs. */
  ca?: string;
  /**
   * The name the servers' certificates must carry (and the SNI sent). Default: the host
   * connected to, which on a Cluster is the address each node announces.
   */
  servername?: string;
}

/** Who connects, and how: the same for every node of a Cluster and the master behind Sentinel. */
export interface RedisAccess {
  /** ACL user (Redis 6+). Default: `default`, the user of `requirepass`. */
  username?: string;
  /** Its password (`AUTH`). Default: none. */
  password?: string;
  /** Set: TLS (see `RedisTls`). */
  tls?: RedisTls;
}

/** The master of a Sentinel-monitored group, found through its sentinels. */
export interface RedisSentinelTarget {
  /** Sentinels, "host:port" (tried in order until one answers). */
  sentinels: string[];
  /** The name the sentinels monitor the master under (`sentinel monitor <name> ...`). */
  masterName: string;
  /** The sentinels' own password (their `requirepass`), when they have one. */
  sentinelPassword?: string;
}

/**
 * Where Redis is: one server (`url`), a Redis Cluster (seed `nodes`, "host:port") or the master a
 * group of sentinels points to; and with which credentials and TLS.
 */
export type RedisTarget = ({ url: string } | { nodes: string[] } | RedisSentinelTarget) &
  RedisAccess;

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

/** "host:port" pairs as ioredis takes them (Cluster seeds, sentinels). */
export function clusterSeeds(nodes: readonly string[]): { host: string; port: number }[] {
  return nodes.map((node) => {
    const at = node.lastIndexOf(':');
    const host = at < 0 ? node : node.slice(0, at);
    return { host: host || '127.0.0.1', port: at < 0 ? 6379 : Number(node.slice(at + 1)) };
  });
}

/** Node's TLS options of `tls`. */
function tlsOptions(tls: RedisTls): ConnectionOptions {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.servername !== undefined ? { servername: tls.servername } : {}),
  };
}

/** The ioredis options of a target's credentials and TLS, for one connection to one server. */
export function accessOptions(target: RedisAccess): RedisOptions {
  return {
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    ...(target.tls ? { tls: tlsOptions(target.tls) } : {}),
  };
}

/** The ioredis options that reach the master through its sentinels. */
function sentinelOptions(target: RedisSentinelTarget & RedisAccess): RedisOptions {
  return {
    sentinels: clusterSeeds(target.sentinels),
    name: target.masterName,
    ...(target.sentinelPassword !== undefined ? { sentinelPassword: target.sentinelPassword } : {}),
    // TLS to the sentinels and to the master alike.
    ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: tlsOptions(target.tls) } : {}),
    // Learn of a failover from the sentinels' +switch-master at once, not at the next error.
    failoverDetector: true,
  };
}

/**
 * Cluster options every connection shares. With TLS, seed hostnames are connected by name (not
 * resolved to an address first) so that a certificate naming the host verifies: what managed
 * clusters (ElastiCache, Memorystore) need.
 */
function clusterOptions(target: RedisAccess, redisOptions: RedisOptions): ClusterOptions {
  return {
    redisOptions: { ...accessOptions(target), ...redisOptions },
    ...(target.tls
      ? {
          dnsLookup: (address: string, callback: (err: null, address: string) => void) =>
            callback(null, address),
        }
      : {}),
  };
}

/**
 * A single-server connection to `target` with `options` (a URL's host, port and db; a sentinel
 * group's master): what `createStoreConnection` and `createPubSubConnection` make off a Cluster.
 */
function serverConnection(
  target: Exclude<RedisTarget, { nodes: string[] }>,
  options: RedisOptions,
): Redis {
  if ('url' in target) return new Redis(target.url, { ...accessOptions(target), ...options });
  return new Redis({ ...sentinelOptions(target), ...accessOptions(target), ...options });
}

/**
 * The store's connection: it refuses at once while Redis is away (no offline queue), so joins
 * get `unavailable` instead of queueing without bound. Call `connect()` before use.
 */
export function createStoreConnection(target: RedisTarget): RedisClient {
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
  if (!('nodes' in target)) return serverConnection(target, options);
  return new Cluster(clusterSeeds(target.nodes), {
    ...clusterOptions(target, { maxRetriesPerRequest: 1 }),
    lazyConnect: true,
    enableOfflineQueue: false,
  });
}

/**
 * A connection for subscribing (the counts channel, the Socket.IO adapter). On a Cluster it
 * subscribes to sharded channels on the shard that owns each one (`shardedSubscribers`); without
 * that SSUBSCRIBE is redirected forever.
 */
export function createPubSubConnection(target: RedisTarget): RedisClient {
  if (!('nodes' in target)) return serverConnection(target, {});
  return new Cluster(clusterSeeds(target.nodes), {
    ...clusterOptions(target, {}),
    shardedSubscribers: true,
  });
}

/** Where a target is, for logs and messages: no credentials. */
export function describeTarget(target: RedisTarget): string {
  const tls = target.tls ? ' over TLS' : '';
  if ('nodes' in target) return `the Redis Cluster of ${target.nodes.join(', ')}${tls}`;
  if ('sentinels' in target) {
    return `the master "${target.masterName}" of the sentinels ${target.sentinels.join(', ')}${tls}`;
  }
  const url = new URL(target.url);
  return `${url.protocol}//${url.host}${url.protocol === 'redis:' ? tls : ''}`;
}
