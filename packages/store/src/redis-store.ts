import type { Cluster, Redis } from 'ioredis';
import { addressDigest } from './address-digest.js';
import { joinCap } from './join-cap.js';
import { allTopKeys, DEFAULT_KEY_PREFIX, postKeys, topKey, topShardOf } from './keys.js';
import { siteKeyPrefix, sitesKey } from './sites.js';
import {
  COUNT_SCRIPT,
  JOIN_SCRIPT,
  LEAVE_SCRIPT,
  REFRESH_SCRIPT,
  SERIES_SCRIPT,
  STATS_SCRIPT,
} from './scripts.js';
import {
  DEFAULT_SERIES_BUCKET_MS,
  isSeriesLength,
  SERIES_BUCKETS,
  seriesOf,
  type BucketRecord,
  type PostSeries,
} from './series.js';
import {
  JoinRefusals,
  type JoinOptions,
  type JoinResult,
  type PostCount,
  type PostStats,
  type PresenceStore,
  type SweptPost,
} from './types.js';

type Args = (string | number)[];
type Reply = number[];

interface PresenceCommands {
  vpJoin(...args: Args): Promise<Reply>;
  vpLeave(...args: Args): Promise<Reply>;
  vpRefresh(...args: Args): Promise<Reply>;
  vpCount(...args: Args): Promise<Reply>;
  vpStats(...args: Args): Promise<Reply>;
  vpSeries(...args: Args): Promise<Reply>;
}
type Client = (Redis | Cluster) & PresenceCommands;
/** A post and the visitors (all, or one chunk of a hot post's) whose leases to renew. */
type RefreshItem = readonly [postId: number, visitors: readonly string[]];
type Refreshed = PostCount & { changed: boolean; reclaimed: number };

/** Visitors per refresh call: bounds the time one script holds Redis for a hot post. */
const REFRESH_CHUNK = 1_000;
/**
 * Posts per refresh call on a single Redis: a heartbeat of 1,000 posts costs the node ~10 calls,
 * not 1,000 (building each ioredis command is most of a heartbeat's CPU). On a Redis Cluster
 * each call keeps to one post's slot.
 */
const REFRESH_POSTS = 100;
/** How often a join re-asserts its post in the active-posts index. */
const INDEX_EVERY_MS = 5_000;
const MAX_INDEX_MEMO = 100_000;
/** Posts in flight at once when refreshing or reading counts. */
const BATCH = 500;

export interface RedisStoreOptions {
  viewWindowMs: number;
  /** @default "vp" */
  keyPrefix?: string;
  /** The site whose posts this store holds (`sites.ts`); unset: the default site. */
  site?: string;
  /**
   * Length of a bucket of readers over time (`series.ts`), in ms; 0: keep no series.
   * @default 60_000
   */
  seriesBucketMs?: number;
  /**
   * Shortest time between two samples of a post's mean: several nodes renewing one post add one
   * sample per gap, not one each (a node: about its heartbeat interval).
   * @default 0
   */
  seriesSampleGapMs?: number;
}

/**
 * The Redis store. Works on a single Redis and on Redis Cluster: each script touches one post's
 * keys (one slot); the top-posts index is sharded over several keys.
 */
export class RedisStore implements PresenceStore {
  readonly kind = 'redis';
  readonly seriesBucketMs: number;
  private readonly redis: Client;
  private readonly prefix: string;
  private readonly indexedAt = new Map<number, number>();
  private registeredAt = -Infinity;

  constructor(
    redis: Redis | Cluster,
    private readonly options: RedisStoreOptions,
  ) {
    this.prefix = siteKeyPrefix(options.keyPrefix ?? DEFAULT_KEY_PREFIX, options.site);
    this.seriesBucketMs = options.seriesBucketMs ?? DEFAULT_SERIES_BUCKET_MS;
    // Once per connection: a node makes a store per site, all on one connection.
    if (!('vpJoin' in redis)) {
      redis.defineCommand('vpJoin', { numberOfKeys: 6, lua: JOIN_SCRIPT });
      redis.defineCommand('vpLeave', { numberOfKeys: 4, lua: LEAVE_SCRIPT });
      redis.defineCommand('vpRefresh', { lua: REFRESH_SCRIPT });
      redis.defineCommand('vpCount', { numberOfKeys: 2, lua: COUNT_SCRIPT });
      redis.defineCommand('vpStats', { numberOfKeys: 4, lua: STATS_SCRIPT });
      redis.defineCommand('vpSeries', { numberOfKeys: 2, lua: SERIES_SCRIPT });
    }
    this.redis = redis as Client;
  }

  async join(
    postId: number,
    visitorId: string,
    nodeId: string,
    ttlMs: number,
    options?: JoinOptions,
  ): Promise<JoinResult> {
    const cap = joinCap(options);
    const k = postKeys(postId, this.prefix);
    const { viewWindowMs } = this.options;
    const [[count = 0, seq = 0, views = 0, peak = 0, peakAt = 0, refused]] = await Promise.all([
      this.redis.vpJoin(
        k.viewers,
        k.leases,
        k.recent,
        k.views,
        k.seq,
        k.peak,
        visitorId,
        nodeId,
        ttlMs,
        viewWindowMs,
        cap ? addressDigest(cap.address) : '',
        cap?.maxVisitors ?? 0,
      ),
      // On a refused join this re-asserts, at most, the index entry the post's live readers hold.
      this.ensureIndexed(postId),
    ]);
    const result: JoinResult = { postId, count, seq, views, peak, peakAt };
    if (refused === 1) result.refused = JoinRefusals.VisitorsPerAddress;
    return result;
  }

  /**
   * Puts a post in the active-posts index (the top-posts shards), and a named site in the list
   * of sites, before its first lease is acknowledged, so the gc finds its leases even if this
   * node dies before it publishes a count. Sent alongside the join script (same round trip);
   * repeated at most every INDEX_EVERY_MS per post (and per site). `GT` never lowers a real
   * count already there.
   */
  private async ensureIndexed(postId: number): Promise<void> {
    const now = Date.now();
    const { site, keyPrefix = DEFAULT_KEY_PREFIX } = this.options;
    if (site !== undefined && this.registeredAt <= now - INDEX_EVERY_MS) {
      this.registeredAt = now;
      await this.redis.sadd(sitesKey(keyPrefix), site);
    }
    if ((this.indexedAt.get(postId) ?? -Infinity) > now - INDEX_EVERY_MS) return;
    if (this.indexedAt.size >= MAX_INDEX_MEMO) this.indexedAt.clear();
    this.indexedAt.set(postId, now);
    await this.redis.zadd(topKey(topShardOf(postId), this.prefix), 'GT', 1, String(postId));
  }

  async leave(postId: number, visitorId: string, nodeId: string): Promise<PostCount> {
    const k = postKeys(postId, this.prefix);
    const [count, seq] = await this.redis.vpLeave(
      k.viewers,
      k.leases,
      k.seq,
      k.recent,
      visitorId,
      nodeId,
      this.options.viewWindowMs,
    );
    return { postId, count: count ?? 0, seq: seq ?? 0 };
  }

  async refresh(
    nodeId: string,
    ttlMs: number,
    leases: ReadonlyMap<number, readonly string[]>,
  ): Promise<PostCount[]> {
    const work: RefreshItem[] = [];
    for (const [postId, visitors] of leases) {
      if (visitors.length <= REFRESH_CHUNK) {
        work.push([postId, visitors]);
        continue;
      }
      for (let i = 0; i < visitors.length; i += REFRESH_CHUNK) {
        work.push([postId, visitors.slice(i, i + REFRESH_CHUNK)]);
      }
    }
    // A named site with leases here is listed for the gc again (after a flush or restart too).
    const { site, keyPrefix = DEFAULT_KEY_PREFIX } = this.options;
    if (site !== undefined && work.length > 0) await this.redis.sadd(sitesKey(keyPrefix), site);
    const latest = new Map<number, PostCount>();
    for (const result of await this.runRefresh(nodeId, ttlMs, work, this.seriesBucketMs)) {
      const previous = latest.get(result.postId);
      if (!previous || result.seq >= previous.seq) {
        latest.set(result.postId, { postId: result.postId, count: result.count, seq: result.seq });
      }
    }
    return [...latest.values()];
  }

  /**
   * Runs the refresh script over `work` (a post and some of its visitors each), in order; with
   * `seriesBucketMs` > 0 each post's count goes into its series.
   */
  private async runRefresh(
    nodeId: string,
    ttlMs: number,
    work: readonly RefreshItem[],
    seriesBucketMs: number,
  ): Promise<Refreshed[]> {
    const gapMs = this.options.seriesSampleGapMs ?? 0;
    const calls: RefreshItem[][] = [];
    let call: RefreshItem[] = [];
    let visitors = 0;
    for (const item of work) {
      const full =
        call.length > 0 &&
        (this.redis.isCluster ||
          call.length >= REFRESH_POSTS ||
          visitors + item[1].length > REFRESH_CHUNK);
      if (full) {
        calls.push(call);
        call = [];
        visitors = 0;
      }
      call.push(item);
      visitors += item[1].length;
    }
    if (call.length > 0) calls.push(call);
    const results: Refreshed[] = [];
    for (let i = 0; i < calls.length; i += BATCH) {
      const batch = calls.slice(i, i + BATCH);
      const replies = await Promise.all(
        batch.map((items) => {
          const keys: string[] = [];
          const args: (string | number)[] = [
            nodeId,
            ttlMs,
            this.options.viewWindowMs,
            seriesBucketMs,
            gapMs,
          ];
          for (const [postId, ids] of items) {
            const k = postKeys(postId, this.prefix);
            keys.push(k.viewers, k.leases, k.seq, k.peak, k.recent, k.series);
            args.push(ids.join(' '));
          }
          return this.redis.vpRefresh(keys.length, ...keys, ...args);
        }),
      );
      batch.forEach((items, index) => {
        const reply = replies[index] as Reply;
        items.forEach(([postId], j) => {
          results.push({
            postId,
            count: reply[4 * j] ?? 0,
            seq: reply[4 * j + 1] ?? 0,
            changed: reply[4 * j + 2] === 1,
            reclaimed: reply[4 * j + 3] ?? 0,
          });
        });
      });
    }
    return results;
  }

  async counts(postIds: readonly number[]): Promise<PostCount[]> {
    const results: PostCount[] = [];
    for (let i = 0; i < postIds.length; i += BATCH) {
      const batch = postIds.slice(i, i + BATCH);
      const replies = await Promise.all(
        batch.map((postId) => {
          const k = postKeys(postId, this.prefix);
          return this.redis.vpCount(k.viewers, k.seq);
        }),
      );
      batch.forEach((postId, index) => {
        const [count, seq] = replies[index] as Reply;
        results.push({ postId, count: count ?? 0, seq: seq ?? 0 });
      });
    }
    return results;
  }

  async stats(postIds: readonly number[]): Promise<PostStats[]> {
    const results: PostStats[] = [];
    for (let i = 0; i < postIds.length; i += BATCH) {
      const batch = postIds.slice(i, i + BATCH);
      const replies = await Promise.all(
        batch.map((postId) => {
          const k = postKeys(postId, this.prefix);
          return this.redis.vpStats(k.viewers, k.seq, k.views, k.peak);
        }),
      );
      batch.forEach((postId, index) => {
        const [count = 0, seq = 0, views = 0, peak = 0, peakAt = 0] = replies[index] as Reply;
        results.push({ postId, count, seq, views, peak, peakAt });
      });
    }
    return results;
  }

  async series(postIds: readonly number[], buckets: number): Promise<PostSeries[]> {
    if (!isSeriesLength(buckets)) throw new RangeError(`buckets must be 1-${SERIES_BUCKETS}`);
    const bucketMs = this.seriesBucketMs;
    if (bucketMs <= 0) return postIds.map((postId) => ({ postId, from: 0, bucketMs, points: [] }));
    const results: PostSeries[] = [];
    for (let i = 0; i < postIds.length; i += BATCH) {
      const batch = postIds.slice(i, i + BATCH);
      const replies = await Promise.all(
        batch.map((postId) => {
          const k = postKeys(postId, this.prefix);
          return this.redis.vpSeries(k.viewers, k.series, bucketMs, buckets);
        }),
      );
      batch.forEach((postId, index) => {
        const [nowMs = 0, live = 0, since = -1, ...flat] = replies[index] as Reply;
        const records: BucketRecord[] = [];
        for (let j = 0; j + 2 < flat.length; j += 3) {
          records.push({ max: flat[j]!, sum: flat[j + 1]!, samples: flat[j + 2]! });
        }
        const raw = { postId, nowMs, live, since: since < 0 ? undefined : since, records };
        results.push(seriesOf(raw, bucketMs));
      });
    }
    return results;
  }

  async top(limit: number): Promise<PostCount[]> {
    const shards = await Promise.all(
      allTopKeys(this.prefix).map((key) => this.redis.zrevrange(key, 0, limit - 1)),
    );
    const candidates = shards.flatMap((ids) => ids.map(Number));
    // The index may lag (it is written per coalescing window); live counts decide.
    const live = await this.counts(candidates);
    return live
      .filter((post) => post.count > 0)
      .sort((a, b) => b.count - a.count || a.postId - b.postId)
      .slice(0, limit);
  }

  /**
   * Records counts in the top-posts index: one ZADD and at most one ZREM per index shard, however
   * many posts (every node sends its counts after each renewal and each publish batch).
   */
  async recordCounts(counts: readonly PostCount[]): Promise<void> {
    if (counts.length === 0) return;
    const shards = new Map<number, { add: (string | number)[]; remove: string[] }>();
    for (const { postId, count } of counts) {
      const shard = topShardOf(postId);
      let entry = shards.get(shard);
      if (!entry) shards.set(shard, (entry = { add: [], remove: [] }));
      if (count > 0) entry.add.push(count, String(postId));
      else entry.remove.push(String(postId));
    }
    const calls: Promise<unknown>[] = [];
    for (const [shard, { add, remove }] of shards) {
      const key = topKey(shard, this.prefix);
      if (add.length > 0) calls.push(this.redis.zadd(key, ...add));
      if (remove.length > 0) calls.push(this.redis.zrem(key, ...remove));
    }
    await Promise.all(calls);
  }

  async sweep(): Promise<SweptPost[]> {
    const changed: SweptPost[] = [];
    for (const key of allTopKeys(this.prefix)) {
      let cursor = '0';
      do {
        const [next, flat] = await this.redis.zscan(key, cursor, 'COUNT', BATCH);
        cursor = next;
        const postIds: number[] = [];
        for (let i = 0; i < flat.length; i += 2) postIds.push(Number(flat[i]));
        if (postIds.length === 0) continue;
        // The sweep records no series: a bucket no node renewed had no readers (series.ts).
        const swept = await this.runRefresh(
          'gc',
          0,
          postIds.map((postId) => [postId, []]),
          0,
        );
        for (const { changed: didChange, ...result } of swept) if (didChange) changed.push(result);
        await this.recordCounts(swept);
      } while (cursor !== '0');
    }
    return changed;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}
