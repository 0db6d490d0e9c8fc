/** The count of one post at one moment. `seq` grows with every change of the post's viewers. */
export interface PostCount {
  postId: number;
  count: number;
  seq: number;
}

export interface JoinResult extends PostCount {
  /** Total views of the post (a visitor back within the view window is no new view). */
  views: number;
}

/**
 * Where presence lives. Two implementations with the same semantics: Redis (many nodes) and
 * in-memory (embedded, one node). Every method is one atomic step per post; counts never include
 * a lease past its expiry, whether or not anything sweeps.
 */
export interface PresenceStore {
  readonly kind: 'redis' | 'memory';
  /** This node's lease for `visitorId` on `postId` now lasts `ttlMs`. */
  join(postId: number, visitorId: string, nodeId: string, ttlMs: number): Promise<JoinResult>;
  /** Drops this node's lease; the visitor leaves when no node holds a live lease. */
  leave(postId: number, visitorId: string, nodeId: string): Promise<PostCount>;
  /**
   * Renews (or re-asserts, after a store restart) this node's leases, prunes expired ones, and
   * returns the counts of those posts. One batch per heartbeat.
   */
  refresh(
    nodeId: string,
    ttlMs: number,
    leases: ReadonlyMap<number, readonly string[]>,
  ): Promise<PostCount[]>;
  /** Live counts, read only. */
  counts(postIds: readonly number[]): Promise<PostCount[]>;
  /** Posts with the most live viewers, highest first. */
  top(limit: number): Promise<PostCount[]>;
  /** Keeps the top-posts index (also the gc's list of active posts) up to date. */
  recordCounts(counts: readonly PostCount[]): Promise<void>;
  /** Reclaims expired leases of every active post; returns the posts whose count changed. */
  sweep(): Promise<PostCount[]>;
  /** Whether the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
