import type { PostSeries } from './series.js';

/** The count of one post at one moment. `seq` grows with every change of the post's viewers. */
export interface PostCount {
  postId: number;
  count: number;
  seq: number;
}

/** A post whose count a sweep changed: its new count, and how many expired visitors it removed. */
export interface SweptPost extends PostCount {
  /** Visitors whose every lease had expired, removed from the post by this sweep (at least 1). */
  reclaimed: number;
}

/** A post's live count with its totals: views and the peak of concurrent viewers. */
export interface PostStats extends PostCount {
  /**
   * Total views of the post. A join is a view unless the visitor is there now (a tab on any
   * node) or was last seen within the view window (its last join, leave, or lease expiry).
   */
  views: number;
  /** The most viewers the post ever had at once (0: none yet). Never below a count reported. */
  peak: number;
  /** When `peak` was first reached, in ms since the epoch by the store's clock (0 when `peak` is 0). */
  peakAt: number;
}

/** Why a join was refused. Stable strings: servers map them to protocol error codes. */
export const JoinRefusals = {
  /** `maxVisitors` other visitors from the join's address already view the post (all nodes). */
  VisitorsPerAddress: 'visitors_per_address',
} as const;

export type JoinRefusal = (typeof JoinRefusals)[keyof typeof JoinRefusals];

export interface JoinResult extends PostStats {
  /**
   * Set when the join was refused: then nothing was written (no lease, no view, no seq), and
   * the other fields are the post's as they were.
   */
  refused?: JoinRefusal;
}

/** Limits a join is held to (DESIGN 25). Without them a join is never refused. */
export interface JoinOptions {
  /**
   * The client address the visitor joins from (the nearest untrusted hop). The Redis store keeps
   * only a digest of it, with the visitor's lease, and drops it when the lease goes.
   */
  address?: string;
  /**
   * At most this many distinct visitors from `address` view the post at once, counted over every
   * node; a visitor already counted from `address` may always join again (another tab, another
   * node). Expired leases never count. `0` or unset: no cap (and the address is not kept).
   */
  maxVisitors?: number;
}

/**
 * Where presence lives. Two implementations with the same semantics: Redis (many nodes) and
 * in-memory (embedded, one node). Every method is one atomic step per post; counts never include
 * a lease past its expiry, whether or not anything sweeps.
 */
export interface PresenceStore {
  readonly kind: 'redis' | 'memory';
  /**
   * This node's lease for `visitorId` on `postId` now lasts `ttlMs`; counts a view and raises the
   * peak when due. One round trip. With `options.maxVisitors`, a visitor new to the post from an
   * address that already has that many is refused (`refused`), and nothing is written.
   */
  join(
    postId: number,
    visitorId: string,
    nodeId: string,
    ttlMs: number,
    options?: JoinOptions,
  ): Promise<JoinResult>;
  /**
   * Drops this node's lease; the visitor leaves when no node holds a live lease. The visitor is
   * seen now (for the view window).
   */
  leave(postId: number, visitorId: string, nodeId: string): Promise<PostCount>;
  /**
   * Renews (or re-asserts, after a store restart) this node's leases, prunes expired ones, and
   * returns the counts of those posts. One batch per heartbeat. Records each post's count in its
   * series (the same calls: no round trip more).
   */
  refresh(
    nodeId: string,
    ttlMs: number,
    leases: ReadonlyMap<number, readonly string[]>,
  ): Promise<PostCount[]>;
  /** Live counts, read only. */
  counts(postIds: readonly number[]): Promise<PostCount[]>;
  /** Live counts with views and peaks, read only (the read API's). */
  stats(postIds: readonly number[]): Promise<PostStats[]>;
  /**
   * Readers over time, read only: each post's last `buckets` buckets (1..1,440; see `series.ts`
   * for what a bucket holds and how unrecorded ones read). No points when the store keeps no
   * series (`seriesBucketMs` 0).
   */
  series(postIds: readonly number[], buckets: number): Promise<PostSeries[]>;
  /** The length of a series bucket, in ms; 0: this store keeps no series. */
  readonly seriesBucketMs: number;
  /** Posts with the most live viewers, highest first. */
  top(limit: number): Promise<PostCount[]>;
  /** Keeps the top-posts index (also the gc's list of active posts) up to date. */
  recordCounts(counts: readonly PostCount[]): Promise<void>;
  /**
   * Reclaims expired leases of every active post; returns the posts whose count changed, each
   * with how many visitors it lost.
   */
  sweep(): Promise<SweptPost[]>;
  /** Whether the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
