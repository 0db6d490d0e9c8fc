/**
 * The pure presence core of one node: which local sockets view or watch which posts, and which
 * visitors this node holds leases for. No I/O: the server asks it what to write and whom to tell.
 *
 * People, not tabs: a visitor's first socket on a post makes this node take a lease for the
 * visitor; its last socket leaving drops the lease.
 */
interface SocketEntry {
  visitorId: string;
  joined: Set<number>;
  watched: Set<number>;
}

export interface LeaveOutcome {
  postId: number;
  /** The visitor has no other socket on this node viewing the post: drop the lease. */
  lastForVisitor: boolean;
  /** The socket no longer views nor watches the post: take it out of the post's rooms. */
  lostInterest: boolean;
}

export class LocalPresence {
  private readonly sockets = new Map<string, SocketEntry>();
  /** postId -> visitorId -> ids of that visitor's sockets viewing the post. */
  private readonly viewers = new Map<number, Map<string, Set<string>>>();
  /** visitorId -> ids of that visitor's sockets on this node. */
  private readonly visitors = new Map<string, Set<string>>();
  private leaseTotal = 0;

  addSocket(socketId: string, visitorId: string): void {
    this.sockets.set(socketId, { visitorId, joined: new Set(), watched: new Set() });
    let sockets = this.visitors.get(visitorId);
    if (!sockets) this.visitors.set(visitorId, (sockets = new Set()));
    sockets.add(socketId);
  }

  /** Number of posts the socket views or watches. */
  postsOf(socketId: string): number {
    const entry = this.sockets.get(socketId);
    if (!entry) return 0;
    let n = entry.watched.size;
    for (const postId of entry.joined) if (!entry.watched.has(postId)) n += 1;
    return n;
  }

  isInterested(socketId: string, postId: number): boolean {
    const entry = this.sockets.get(socketId);
    return !!entry && (entry.joined.has(postId) || entry.watched.has(postId));
  }

  hasJoined(socketId: string, postId: number): boolean {
    return this.sockets.get(socketId)?.joined.has(postId) ?? false;
  }

  /** Whether this node counts the visitor as viewing the post. */
  isViewing(visitorId: string, postId: number): boolean {
    return this.viewers.get(postId)?.has(visitorId) ?? false;
  }

  visitorOf(socketId: string): string | undefined {
    return this.sockets.get(socketId)?.visitorId;
  }

  /** The visitor's sockets on this node that view or watch the post. */
  interestedSocketsOf(visitorId: string, postId: number): string[] {
    return [...(this.visitors.get(visitorId) ?? [])].filter((id) => this.isInterested(id, postId));
  }

  /** Returns whether this is the visitor's first socket viewing the post on this node. */
  join(socketId: string, postId: number): { firstForVisitor: boolean } {
    const entry = this.mustGet(socketId);
    entry.joined.add(postId);
    let visitors = this.viewers.get(postId);
    if (!visitors) this.viewers.set(postId, (visitors = new Map()));
    let sockets = visitors.get(entry.visitorId);
    const firstForVisitor = !sockets;
    if (!sockets) visitors.set(entry.visitorId, (sockets = new Set()));
    sockets.add(socketId);
    if (firstForVisitor) this.leaseTotal += 1;
    return { firstForVisitor };
  }

  leave(socketId: string, postId: number): LeaveOutcome | undefined {
    const entry = this.sockets.get(socketId);
    if (!entry || !entry.joined.delete(postId)) return undefined;
    const visitors = this.viewers.get(postId);
    const sockets = visitors?.get(entry.visitorId);
    sockets?.delete(socketId);
    const lastForVisitor = !sockets || sockets.size === 0;
    if (lastForVisitor) {
      this.leaseTotal -= 1;
      visitors?.delete(entry.visitorId);
      if (visitors?.size === 0) this.viewers.delete(postId);
    }
    return { postId, lastForVisitor, lostInterest: !entry.watched.has(postId) };
  }

  watch(socketId: string, postId: number): void {
    this.mustGet(socketId).watched.add(postId);
  }

  /** Returns whether the socket lost interest in the post (it does not view it either). */
  unwatch(socketId: string, postId: number): boolean {
    const entry = this.sockets.get(socketId);
    if (!entry || !entry.watched.delete(postId)) return false;
    return !entry.joined.has(postId);
  }

  /** Forgets a socket; returns the posts it viewed. */
  removeSocket(socketId: string): LeaveOutcome[] {
    const entry = this.sockets.get(socketId);
    if (!entry) return [];
    entry.watched.clear();
    const outcomes = [...entry.joined].flatMap((postId) => this.leave(socketId, postId) ?? []);
    this.sockets.delete(socketId);
    const sockets = this.visitors.get(entry.visitorId);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.visitors.delete(entry.visitorId);
    return outcomes;
  }

  /** postId -> visitors this node holds leases for: what the heartbeat renews. */
  leases(): Map<number, string[]> {
    const leases = new Map<number, string[]>();
    for (const [postId, visitors] of this.viewers) leases.set(postId, [...visitors.keys()]);
    return leases;
  }

  /** Every (post, visitor) lease this node holds, for a graceful shutdown. */
  *allLeases(): Generator<[number, string]> {
    for (const [postId, visitors] of this.viewers) {
      for (const visitorId of visitors.keys()) yield [postId, visitorId];
    }
  }

  /** Posts some local socket watches without viewing (their counts are read, not renewed). */
  watchedOnlyPosts(): number[] {
    const posts = new Set<number>();
    for (const entry of this.sockets.values()) {
      for (const postId of entry.watched) if (!this.viewers.has(postId)) posts.add(postId);
    }
    return [...posts];
  }

  /** Number of (post, visitor) leases this node holds. */
  get leaseCount(): number {
    return this.leaseTotal;
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  private mustGet(socketId: string): SocketEntry {
    const entry = this.sockets.get(socketId);
    if (!entry) throw new Error(`unknown socket ${socketId}`);
    return entry;
  }
}
