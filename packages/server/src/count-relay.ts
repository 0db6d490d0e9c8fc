import type { PostCount } from '@vip-presence/store';

export interface CountRelayOptions {
  /** How long changes made on this node are batched before going to the other nodes. */
  publishDelayMs: number;
  /** Local sockets viewing or watching the post (0: nobody here to tell). */
  audience(postId: number): number;
  /** Hands a newer count to the post's local readers (the fan-out coalesces and paces). */
  deliver(update: PostCount): void;
  /** Sends a batch of changes made here to the other nodes (and the top-posts index). */
  publish(updates: PostCount[]): void;
}

/**
 * Ordered relay of counts. Every count carries the post's `seq`; older ones are dropped, so
 * counts computed on different nodes converge on the latest. Newer counts go to this node's
 * readers (through the fan-out, which coalesces them) and, for changes made here, to the other
 * nodes in short batches.
 */
export class CountRelay {
  private readonly latest = new Map<number, PostCount>();
  private readonly outbox = new Map<number, PostCount>();
  private publishTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CountRelayOptions) {}

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
    if (audience > 0) this.options.deliver(update);
  }

  /** The latest count known here, if any. */
  get(postId: number): PostCount | undefined {
    return this.latest.get(postId);
  }

  /** Nobody here reads the post any more. */
  forget(postId: number): void {
    this.latest.delete(postId);
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
    if (this.publishTimer) clearTimeout(this.publishTimer);
    this.publishTimer = undefined;
  }

  private enqueuePublish(update: PostCount): void {
    const queued = this.outbox.get(update.postId);
    if (!queued || queued.seq < update.seq) this.outbox.set(update.postId, update);
    this.publishTimer ??= setTimeout(() => this.flush(), this.options.publishDelayMs);
  }
}
