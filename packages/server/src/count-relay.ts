import type { PostCount } from './store/types.js';

export interface CountRelayOptions {
  /** Shortest time between two deliveries of one post's count. */
  windowMs: number;
  /** Deliveries per second one post may cause on this node; widens the window of big rooms. */
  maxDeliveriesPerSecond: number;
  /** How long changes made on this node are batched before going to the other nodes. */
  publishDelayMs: number;
  /** Local sockets viewing or watching the post (0: nobody here to tell). */
  audience(postId: number): number;
  /** Sends the count to the post's local readers. */
  deliver(update: PostCount): void;
  /** Sends a batch of changes made here to the other nodes (and the top-posts index). */
  publish(updates: PostCount[]): void;
  now?: () => number;
}

/**
 * Coalesced, ordered fan-out of counts. Every count carries the post's `seq`; older ones are
 * dropped, so counts computed on different nodes converge on the latest. A post's first change
 * after a quiet spell goes out at once; later ones within its window are merged into one.
 */
export class CountRelay {
  private readonly latest = new Map<number, PostCount>();
  private readonly lastDelivery = new Map<number, number>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly outbox = new Map<number, PostCount>();
  private publishTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: CountRelayOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * A count learned from the store (`fromHere`: by an operation of this node, so the other nodes
   * must hear of it) or from another node.
   */
  offer(update: PostCount, fromHere: boolean): void {
    const known = this.latest.get(update.postId);
    if (known && known.seq >= update.seq) return;
    const audience = this.options.audience(update.postId);
    if (audience > 0) this.latest.set(update.postId, update);
    if (fromHere) this.enqueuePublish(update);
    if (audience > 0) this.scheduleDelivery(update.postId, audience);
  }

  /** The latest count known here, if any. */
  get(postId: number): PostCount | undefined {
    return this.latest.get(postId);
  }

  /** Nobody here reads the post any more. */
  forget(postId: number): void {
    this.latest.delete(postId);
    this.lastDelivery.delete(postId);
    const timer = this.timers.get(postId);
    if (timer) clearTimeout(timer);
    this.timers.delete(postId);
  }

  /** Sends what is queued for the other nodes now (graceful shutdown). */
  flush(): void {
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
    if (this.outbox.size === 0) return;
    const updates = [...this.outbox.values()];
    this.outbox.clear();
    this.options.publish(updates);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
  }

  /** The window of a post with `audience` local readers. */
  windowFor(audience: number): number {
    const { windowMs, maxDeliveriesPerSecond } = this.options;
    return Math.max(windowMs, Math.ceil((audience * 1000) / maxDeliveriesPerSecond));
  }

  private enqueuePublish(update: PostCount): void {
    const queued = this.outbox.get(update.postId);
    if (!queued || queued.seq < update.seq) this.outbox.set(update.postId, update);
    this.publishTimer ??= setTimeout(() => this.flush(), this.options.publishDelayMs);
  }

  private scheduleDelivery(postId: number, audience: number): void {
    if (this.timers.has(postId)) return;
    const due = (this.lastDelivery.get(postId) ?? -Infinity) + this.windowFor(audience);
    const delay = Math.max(0, due - this.now());
    this.timers.set(
      postId,
      setTimeout(() => {
        this.timers.delete(postId);
        const update = this.latest.get(postId);
        if (!update) return;
        this.lastDelivery.set(postId, this.now());
        this.options.deliver(update);
      }, delay),
    );
  }
}
