/**
 * Redis key builders. Every per-post key carries the hash tag `{p<postId>}`, so all keys of one
 * post live in one Redis Cluster slot and one script may touch them together. Nothing global is
 * written per join: the "top posts" index is sharded over `TOP_SHARDS` keys.
 */
export const DEFAULT_KEY_PREFIX = 'vp';

/** Number of shards of the top-posts index. */
export const TOP_SHARDS = 16;

export interface PostKeys {
  /** ZSET visitorId -> expiry (ms): who is viewing now. Count = members with expiry > now. */
  viewers: string;
  /**
   * HASH visitorId -> `[<address>|]nodeId=expiryMs;...`: leases per server node (tabs on several
   * nodes), after the digest of the address the visitor joined from when a cap applied; and
   * `@<address>` -> how many visitors hold that address (the cap of visitors per address and post).
   */
  leases: string;
  /** ZSET visitorId -> last seen (ms): visitors seen recently, so a reconnect is no new view. */
  recent: string;
  /** STRING integer: total views. */
  views: string;
  /** STRING integer: sequence of count changes, so readers can drop out-of-order updates. */
  seq: string;
  /** STRING `"<most viewers at once> <when first reached, ms>"`: the post's peak, kept like views. */
  peak: string;
  /**
   * HASH readers over time (`series.ts`): `SERIES_CHUNKS` fields `"0"`..`"24"`, each a chunk of
   * `SERIES_CHUNK_BUCKETS` buckets (max, sum and samples of the count per bucket), and `since`
   * (the first bucket recorded), `at` (the last sample, ms). Written by the heartbeat only.
   */
  series: string;
}

export function postKeys(postId: number, prefix: string = DEFAULT_KEY_PREFIX): PostKeys {
  const base = `${prefix}:{p${postId}}`;
  return {
    viewers: `${base}:viewers`,
    leases: `${base}:leases`,
    recent: `${base}:recent`,
    views: `${base}:views`,
    seq: `${base}:seq`,
    peak: `${base}:peak`,
    series: `${base}:series`,
  };
}

export function topShardOf(postId: number): number {
  return postId % TOP_SHARDS;
}

/** ZSET postId -> live count, one of `TOP_SHARDS`; also the index of posts the gc sweeps. */
export function topKey(shard: number, prefix: string = DEFAULT_KEY_PREFIX): string {
  return `${prefix}:top:{t${shard}}`;
}

export function allTopKeys(prefix: string = DEFAULT_KEY_PREFIX): string[] {
  return Array.from({ length: TOP_SHARDS }, (_, shard) => topKey(shard, prefix));
}
