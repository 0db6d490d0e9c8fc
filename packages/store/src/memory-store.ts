import { joinCap } from './join-cap.js';
import {
  DEFAULT_SERIES_BUCKET_MS,
  isSeriesLength,
  recordCount,
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

interface PostState {
  /** visitorId -> nodeId -> lease expiry (ms). */
  leases: Map<string, Map<string, number>>;
  /**
   * visitorId -> last seen (ms), for the view window: its last join or leave, or the expiry of
   * its last lease when that ran out.
   */
  recent: Map<string, number>;
  /** visitorId -> the address it joined from under a cap (visitors with a lease only). */
  addressOf: Map<string, string>;
  /** address -> the visitors holding it (the cap of visitors per address and post). */
  byAddress: Map<string, Set<string>>;
  views: number;
  seq: number;
  peak: number;
  peakAt: number;
  /** Readers over time (series.ts): bucket number -> record, the last SERIES_BUCKETS at most. */
  series: Map<number, BucketRecord>;
  /** The first bucket recorded since the series began (undefined: none kept). */
  seriesSince: number | undefined;
  /** When the last sample of the mean was taken (ms). */
  sampledAt: number;
}

export interface MemoryStoreOptions {
  viewWindowMs: number;
  /**
   * Length of a bucket of readers over time (`series.ts`), in ms; 0: keep no series.
   * @default 60_000
   */
  seriesBucketMs?: number;
  /**
   * Shortest time between two samples of a post's mean (see the Redis store's).
   * @default 0
   */
  seriesSampleGapMs?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * The embedded store: the Redis store's semantics in one process's memory. Used when no
 * `REDIS_URL` is set; an in-process sweeper reclaims expired leases.
 */
export class MemoryStore implements PresenceStore {
  readonly kind = 'memory';
  readonly seriesBucketMs: number;
  private readonly posts = new Map<number, PostState>();
  private readonly now: () => number;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
    this.seriesBucketMs = options.seriesBucketMs ?? DEFAULT_SERIES_BUCKET_MS;
  }

  async join(
    postId: number,
    visitorId: string,
    nodeId: string,
    ttlMs: number,
    options?: JoinOptions,
  ): Promise<JoinResult> {
    const cap = joinCap(options);
    const now = this.now();
    if (cap && this.isFull(this.posts.get(postId), visitorId, cap.address, cap.maxVisitors, now)) {
      const [stats] = await this.stats([postId]);
      return { ...stats!, refused: JoinRefusals.VisitorsPerAddress };
    }
    const post = this.post(postId);
    const pruned = this.prune(post, now) > 0;
    const arrived = this.lease(post, visitorId, nodeId, now + ttlMs);
    const changed = arrived || pruned;
    if (cap) this.holdAddress(post, visitorId, cap.address);
    // A view: a visitor not here now (no tab on any node) and not seen within the window.
    const seen = post.recent.get(visitorId);
    if (arrived && (seen === undefined || seen < now - this.options.viewWindowMs)) post.views += 1;
    post.recent.set(visitorId, now);
    if (changed) this.bump(post, now);
    this.raisePeak(post, now);
    return {
      postId,
      count: post.leases.size,
      seq: post.seq,
      views: post.views,
      peak: post.peak,
      peakAt: post.peakAt,
    };
  }

  async leave(postId: number, visitorId: string, nodeId: string): Promise<PostCount> {
    const now = this.now();
    const post = this.posts.get(postId);
    if (!post) return { postId, count: 0, seq: 0 };
    let changed = this.prune(post, now) > 0;
    const leases = post.leases.get(visitorId);
    if (leases) this.see(post, visitorId, now, now);
    if (leases?.delete(nodeId) && leases.size === 0) {
      this.dropVisitor(post, visitorId);
      changed = true;
    }
    if (changed) this.bump(post, now);
    return { postId, count: post.leases.size, seq: post.seq };
  }

  async refresh(
    nodeId: string,
    ttlMs: number,
    leases: ReadonlyMap<number, readonly string[]>,
  ): Promise<PostCount[]> {
    const now = this.now();
    const results: PostCount[] = [];
    for (const [postId, visitorIds] of leases) {
      const post = this.post(postId);
      const changed = this.prune(post, now) > 0;
      let added = false;
      for (const visitorId of visitorIds) {
        if (this.lease(post, visitorId, nodeId, now + ttlMs)) added = true;
      }
      if (changed || added) this.bump(post, now);
      if (added) this.raisePeak(post, now);
      this.recordSeries(post, now);
      results.push({ postId, count: post.leases.size, seq: post.seq });
    }
    return results;
  }

  async counts(postIds: readonly number[]): Promise<PostCount[]> {
    const now = this.now();
    return postIds.map((postId) => {
      const post = this.posts.get(postId);
      if (!post) return { postId, count: 0, seq: 0 };
      let count = 0;
      for (const leases of post.leases.values()) if (liveUntil(leases, now) > now) count += 1;
      return { postId, count, seq: post.seq };
    });
  }

  async stats(postIds: readonly number[]): Promise<PostStats[]> {
    const counts = await this.counts(postIds);
    return counts.map((count) => {
      const post = this.posts.get(count.postId);
      return {
        ...count,
        views: post?.views ?? 0,
        peak: post?.peak ?? 0,
        peakAt: post?.peakAt ?? 0,
      };
    });
  }

  async series(postIds: readonly number[], buckets: number): Promise<PostSeries[]> {
    if (!isSeriesLength(buckets)) throw new RangeError(`buckets must be 1-${SERIES_BUCKETS}`);
    const bucketMs = this.seriesBucketMs;
    if (bucketMs <= 0) return postIds.map((postId) => ({ postId, from: 0, bucketMs, points: [] }));
    const nowMs = this.now();
    const current = Math.floor(nowMs / bucketMs);
    const counts = await this.counts(postIds);
    return counts.map(({ postId, count }) => {
      const post = this.posts.get(postId);
      const records = Array.from(
        { length: buckets },
        (_, i) => post?.series.get(current - buckets + 1 + i) ?? { max: 0, sum: 0, samples: 0 },
      );
      const raw = { postId, nowMs, live: count, since: post?.seriesSince, records };
      return seriesOf(raw, bucketMs);
    });
  }

  async top(limit: number): Promise<PostCount[]> {
    const all = await this.counts([...this.posts.keys()]);
    return all
      .filter((post) => post.count > 0)
      .sort((a, b) => b.count - a.count || a.postId - b.postId)
      .slice(0, limit);
  }

  async recordCounts(): Promise<void> {
    // The embedded store's posts map is its own index.
  }

  async sweep(): Promise<SweptPost[]> {
    const now = this.now();
    const changed: SweptPost[] = [];
    for (const [postId, post] of this.posts) {
      const reclaimed = this.prune(post, now);
      if (reclaimed > 0) {
        this.bump(post, now);
        changed.push({ postId, count: post.leases.size, seq: post.seq, reclaimed });
      }
      for (const [visitorId, seen] of post.recent) {
        if (seen < now - this.options.viewWindowMs) post.recent.delete(visitorId);
      }
      this.trimSeries(post, now);
      // Views and peaks are kept; the rest of an idle post is reclaimed.
      if (
        post.leases.size === 0 &&
        post.recent.size === 0 &&
        post.views === 0 &&
        post.peak === 0 &&
        post.series.size === 0
      ) {
        this.posts.delete(postId);
      }
    }
    return changed;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.posts.clear();
  }

  private post(postId: number): PostState {
    let post = this.posts.get(postId);
    if (!post) {
      post = {
        leases: new Map(),
        recent: new Map(),
        addressOf: new Map(),
        byAddress: new Map(),
        views: 0,
        seq: 0,
        peak: 0,
        peakAt: 0,
        series: new Map(),
        seriesSince: undefined,
        sampledAt: 0,
      };
      this.posts.set(postId, post);
    }
    return post;
  }

  /** Gives `nodeId` a lease on the post for `visitorId` until `expiry`; true when the visitor is new. */
  private lease(post: PostState, visitorId: string, nodeId: string, expiry: number): boolean {
    const leases = post.leases.get(visitorId);
    if (leases) {
      leases.set(nodeId, expiry);
      return false;
    }
    post.leases.set(visitorId, new Map([[nodeId, expiry]]));
    return true;
  }

  /**
   * Drops expired leases and visitors left with none, each seen last when its last lease ran
   * out; returns how many visitors it dropped.
   */
  private prune(post: PostState, now: number): number {
    let dropped = 0;
    for (const [visitorId, leases] of post.leases) {
      let until = 0;
      for (const [nodeId, expiry] of leases) {
        if (expiry > until) until = expiry;
        if (expiry <= now) leases.delete(nodeId);
      }
      if (leases.size === 0) {
        this.dropVisitor(post, visitorId);
        this.see(post, visitorId, until, now);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** The visitor was on the post at `at`: back within the view window, it is no new view. */
  private see(post: PostState, visitorId: string, at: number, now: number): void {
    if (at <= now - this.options.viewWindowMs) return;
    post.recent.set(visitorId, Math.max(at, post.recent.get(visitorId) ?? 0));
  }

  /** A visitor with no lease left goes, and with it its place in its address's count. */
  private dropVisitor(post: PostState, visitorId: string): void {
    post.leases.delete(visitorId);
    this.releaseAddress(post, visitorId);
  }

  /**
   * Whether a join from `address` must be refused: the visitor is not live on the post from it,
   * and `maxVisitors` others are. Reads only (expired leases not pruned yet do not count).
   */
  private isFull(
    post: PostState | undefined,
    visitorId: string,
    address: string,
    maxVisitors: number,
    now: number,
  ): boolean {
    const holders = post?.byAddress.get(address);
    if (!post || !holders || holders.size < maxVisitors) return false;
    let live = 0;
    for (const holder of holders) {
      if (liveUntil(post.leases.get(holder), now) <= now) continue;
      if (holder === visitorId) return false;
      live += 1;
    }
    return live >= maxVisitors;
  }

  /** The visitor now counts under `address` (and no longer under the one it held before). */
  private holdAddress(post: PostState, visitorId: string, address: string): void {
    if (post.addressOf.get(visitorId) === address) return;
    this.releaseAddress(post, visitorId);
    post.addressOf.set(visitorId, address);
    let holders = post.byAddress.get(address);
    if (!holders) post.byAddress.set(address, (holders = new Set()));
    holders.add(visitorId);
  }

  private releaseAddress(post: PostState, visitorId: string): void {
    const address = post.addressOf.get(visitorId);
    if (address === undefined) return;
    post.addressOf.delete(visitorId);
    const holders = post.byAddress.get(address);
    holders?.delete(visitorId);
    if (holders?.size === 0) post.byAddress.delete(address);
  }

  private raisePeak(post: PostState, now: number): void {
    if (post.leases.size > post.peak) {
      post.peak = post.leases.size;
      post.peakAt = now;
    }
  }

  /**
   * The post's count goes into its current bucket: the max, and a sample of the mean unless the
   * last was taken less than `seriesSampleGapMs` ago (the Redis store's `record_series`).
   */
  private recordSeries(post: PostState, now: number): void {
    const bucketMs = this.seriesBucketMs;
    if (bucketMs <= 0) return;
    const bucket = Math.floor(now / bucketMs);
    const record = post.series.get(bucket);
    const sample = now - post.sampledAt >= (this.options.seriesSampleGapMs ?? 0);
    post.series.set(
      bucket,
      recordCount(record ?? { max: 0, sum: 0, samples: 0 }, post.leases.size, sample),
    );
    if (sample || !record) post.sampledAt = now;
    if (!record) {
      post.seriesSince ??= bucket;
      this.trimSeries(post, now);
    }
  }

  /** Drops buckets older than the ring; a series with none left begins again when next written. */
  private trimSeries(post: PostState, now: number): void {
    const bucketMs = this.seriesBucketMs;
    if (bucketMs <= 0 || post.series.size === 0) return;
    const oldest = Math.floor(now / bucketMs) - SERIES_BUCKETS + 1;
    for (const bucket of post.series.keys()) if (bucket < oldest) post.series.delete(bucket);
    if (post.series.size === 0) post.seriesSince = undefined;
  }

  private bump(post: PostState, now: number): void {
    post.seq = Math.max(post.seq + 1, now);
  }
}

function liveUntil(leases: Map<string, number> | undefined, now: number): number {
  let max = 0;
  if (!leases) return max;
  for (const expiry of leases.values()) if (expiry > now && expiry > max) max = expiry;
  return max;
}
