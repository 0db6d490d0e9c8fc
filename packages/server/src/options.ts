import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError } from '@vip-presence/store';
import { trustProxyProblem, type TrustProxy } from './client-address.js';
import { assertLiveness, MIN_TTL_TO_HEARTBEAT_RATIO } from './liveness.js';

/**
 * Options of `createPresenceServer()`. Every field has a default; the executable fills them from
 * the environment (see `config.ts`).
 */
export interface PresenceServerOptions {
  /**
   * Redis URL (`redis://host:port/db`). Unset: the embedded in-memory store and an in-process
   * sweeper, for development and single-node use.
   * @default undefined
   */
  redisUrl?: string;
  /**
   * Seed nodes of a Redis Cluster ("host:port"). Set: the store and the adapter use the cluster,
   * and `redisUrl` is ignored.
   * @default []
   */
  redisClusterNodes?: string[];
  /**
   * Sentinels ("host:port") watching the master to use, instead of `redisUrl` and
   * `redisClusterNodes`: the store and the adapter follow whichever server they name master.
   * @default []
   */
  redisSentinels?: string[];
  /** The name the sentinels monitor the master under; required with `redisSentinels`. */
  redisSentinelMaster?: string;
  /** The sentinels' own password (their `requirepass`), when they have one. */
  redisSentinelPassword?: string;
  /** ACL user of every Redis connection (Redis 6+), with `redisPassword`. Default: `default`. */
  redisUsername?: string;
  /** Password of every Redis connection: each Cluster node, the master behind Sentinel. */
  redisPassword?: string;
  /**
   * TLS to every Redis server (each Cluster node, the sentinels and the master); certificates are
   * always verified. A `rediss://` `redisUrl` is TLS either way.
   * @default false
   */
  redisTls?: boolean;
  /** CA certificates (PEM text) that signed the Redis servers' certificates. Default: the system's. */
  redisTlsCa?: string;
  /** The name the Redis servers' certificates must carry (and SNI). Default: the host connected to. */
  redisTlsServername?: string;
  /**
   * How nodes broadcast to each other: "classic" (PUBLISH) or "sharded" (SPUBLISH, Redis 7).
   * Default: sharded on a cluster, classic on a single Redis.
   */
  adapterMode?: 'classic' | 'sharded';
  /**
   * Shared secret of the WordPress plugin. Set: joins need a valid view token and the HTTP read
   * API needs `Authorization: Bearer <secret>`. Several (a rotation under way): each one verifies
   * tokens and is accepted by the read API. Unset: development mode, logged at start.
   * @default undefined
   */
  secret?: string | readonly string[];
  /**
   * The read API's own bearer credential (`/api/v1/*`), apart from the signing secrets, so that a
   * reader of counts can never sign tokens. Unset: the read API accepts the signing secret(s), as
   * before (logged at start as deprecated).
   * @default undefined
   */
  readApiToken?: string;
  /**
   * Origins allowed to connect (`https://example.com`). Empty: any origin (logged at start).
   * @default []
   */
  allowedOrigins?: string[];
  /**
   * How often a node renews the leases of its viewers in the store.
   * @default 5_000
   */
  heartbeatIntervalMs?: number;
  /**
   * How long a lease lives without renewal. A node that dies (kill -9) drops out of every count
   * within `sessionTtlMs + heartbeatIntervalMs`. Must be at least 2 x heartbeatIntervalMs.
   * @default 15_000
   */
  sessionTtlMs?: number;
  /**
   * Shortest time between two count updates of one post to its readers (per node).
   * @default 250
   */
  coalesceWindowMs?: number;
  /**
   * Most count deliveries per second a node sends for one post; the coalescing window of a post
   * grows with its room so a hot post stays within this (10,000 readers: one update every 400 ms,
   * which is also about how long a change takes to reach the last of them).
   * @default 25_000
   */
  maxDeliveriesPerSecond?: number;
  /**
   * Sockets per emit when a count goes to a big room: a room of more sockets is walked in chunks
   * of this size, paced over its window to `maxDeliveriesPerSecond`, each chunk with the newest
   * count, so joins and acks are not held up behind one long fan-out.
   * @default 1_000
   */
  fanOutChunkSize?: number;
  /**
   * A visitor who comes back to a post within this time is not counted as a new view.
   * @default 1_800_000
   */
  viewWindowMs?: number;
  /**
   * Most posts one socket may view or watch at once.
   * @default 200
   */
  maxPostsPerSocket?: number;
  /**
   * Events a socket may send per second (sustained); `eventBurst` more may come at once.
   * @default 10
   */
  eventsPerSecond?: number;
  /**
   * Events a socket may send in one burst.
   * @default 40
   */
  eventBurst?: number;
  /**
   * Largest accepted message, in bytes; larger ones close the connection.
   * @default 16_384
   */
  maxPayloadBytes?: number;
  /**
   * Most connections open at once from one client address (an IPv6 client's /64), over all the
   * nodes sharing the store (0: no limit). Sized for an office or a mobile carrier's NAT, where
   * hundreds of readers share one public address (see the README's "Client addresses").
   * @default 1_000
   */
  maxConnectionsPerIp?: number;
  /**
   * Most visitors from one client address (an IPv6 client's /64) viewing one post at once, over
   * all the nodes sharing the store (0: no limit). Checked in the join's one store round trip; a
   * visitor already counted from the address may always join again (tabs, other nodes). Made-up
   * visitor ids from one machine stop adding "people" here.
   * @default 100
   */
  maxVisitorsPerIpAndPost?: number;
  /**
   * Which proxies may tell the client address in `X-Forwarded-For` (the client address is then
   * the nearest hop that is not one of them): `false` none (the peer address), a number the
   * nearest N hops (`true`: 1), or a list of addresses, CIDR ranges and the names `loopback`,
   * `linklocal`, `uniquelocal`. An address a client wrote itself is never taken.
   * @default false
   */
  trustProxy?: TrustProxy;
  /**
   * How often the engine pings clients; a client whose network vanished without closing its
   * connection is disconnected, and leaves, within `pingIntervalMs + pingTimeoutMs` (55 s by
   * default; a closed tab leaves at once). Each ping costs every socket a write and a read, so
   * this sets most of a node's idle CPU (10,000 sockets: ~8 % of a core at 20 s, ~4 % at 45 s).
   * Keep it under your proxies' idle timeout (nginx and AWS load balancers: 60 s).
   * @default 45_000
   */
  pingIntervalMs?: number;
  /**
   * How long a pinged client has to answer. A client whose network or main thread stalls longer
   * is disconnected, reconnects by itself and joins again (its readers see it leave and come back).
   * @default 10_000
   */
  pingTimeoutMs?: number;
  /**
   * Length of a bucket of readers over time (`/api/v1/counts?series=`): the store keeps, per post,
   * the most readers at once and their mean in each bucket, for the last 1,440 buckets (24 hours
   * of minutes), written by the heartbeat. At least 2 x heartbeatIntervalMs, so every bucket with
   * readers gets a renewal; at most an hour. 0: keep no series.
   * @default 60_000 (2 x heartbeatIntervalMs when that is longer)
   */
  seriesBucketMs?: number;
  /**
   * How often the embedded store's in-process sweeper runs (embedded mode only).
   * @default 5_000
   */
  sweepIntervalMs?: number;
  /**
   * Prefix of every Redis key and channel.
   * @default "vp"
   */
  keyPrefix?: string;
  /**
   * Identifies this node in leases. Default: a random id.
   */
  nodeId?: string;
  /**
   * Structured logger. Default: pino at level "info" (LOG_LEVEL), or silent under tests.
   */
  logger?: Logger;
}

/** The options that stay unset when they are not given. */
type UnsetByDefault =
  | 'redisUrl'
  | 'redisSentinelMaster'
  | 'redisSentinelPassword'
  | 'redisUsername'
  | 'redisPassword'
  | 'redisTlsCa'
  | 'redisTlsServername'
  | 'secret'
  | 'readApiToken'
  | 'adapterMode';

export type ResolvedOptions = Required<Omit<PresenceServerOptions, UnsetByDefault | 'logger'>> &
  Pick<PresenceServerOptions, UnsetByDefault>;

export const DEFAULT_OPTIONS = {
  allowedOrigins: [] as string[],
  redisClusterNodes: [] as string[],
  redisSentinels: [] as string[],
  redisTls: false,
  heartbeatIntervalMs: 5_000,
  sessionTtlMs: 15_000,
  coalesceWindowMs: 250,
  maxDeliveriesPerSecond: 25_000,
  fanOutChunkSize: 1_000,
  viewWindowMs: 1_800_000,
  maxPostsPerSocket: 200,
  eventsPerSecond: 10,
  eventBurst: 40,
  maxPayloadBytes: 16_384,
  maxConnectionsPerIp: 1_000,
  maxVisitorsPerIpAndPost: 100,
  trustProxy: false as TrustProxy,
  pingIntervalMs: 45_000,
  pingTimeoutMs: 10_000,
  sweepIntervalMs: 5_000,
  seriesBucketMs: 60_000,
  keyPrefix: 'vp',
} as const;

/** The options over their defaults, checked: a bad value throws a `ConfigError` naming it. */
/** The smallest value that still makes sense, for the options where 0 would stop the server working. */
const MINIMUMS = {
  maxDeliveriesPerSecond: 1,
  fanOutChunkSize: 1,
  maxPostsPerSocket: 1,
  eventsPerSecond: 1,
  eventBurst: 1,
  maxPayloadBytes: 1_024,
  pingIntervalMs: 100,
  pingTimeoutMs: 100,
  sweepIntervalMs: 100,
} as const satisfies Partial<Record<keyof ResolvedOptions, number>>;

export function resolveOptions(options: PresenceServerOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...DEFAULT_OPTIONS,
    allowedOrigins: [...DEFAULT_OPTIONS.allowedOrigins],
    redisClusterNodes: [...DEFAULT_OPTIONS.redisClusterNodes],
    redisSentinels: [...DEFAULT_OPTIONS.redisSentinels],
    nodeId: `n${randomBytes(6).toString('hex')}`,
    ...stripUndefined(options),
  };
  delete (resolved as PresenceServerOptions).logger;
  // Unset, the series bucket stays long enough for a slow heartbeat (see liveness.ts).
  if (options.seriesBucketMs === undefined) {
    resolved.seriesBucketMs = Math.max(
      DEFAULT_OPTIONS.seriesBucketMs,
      MIN_TTL_TO_HEARTBEAT_RATIO * resolved.heartbeatIntervalMs,
    );
  }
  assertLiveness(resolved);
  for (const [option, minimum] of Object.entries(MINIMUMS) as [keyof typeof MINIMUMS, number][]) {
    const value = resolved[option];
    if (!Number.isSafeInteger(value) || value < minimum) {
      throw new ConfigError(option, `must be a whole number of at least ${minimum}`);
    }
  }
  const { secret } = resolved;
  if (typeof secret === 'object' && (secret.length === 0 || secret.some((key) => !key))) {
    throw new ConfigError('secret', 'must be one or more non-empty secrets');
  }
  const trustProblem = trustProxyProblem(resolved.trustProxy);
  if (trustProblem) throw new ConfigError('trustProxy', trustProblem);
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(resolved.nodeId)) {
    throw new ConfigError('nodeId', 'must be 1-64 characters of [A-Za-z0-9_.-]');
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
