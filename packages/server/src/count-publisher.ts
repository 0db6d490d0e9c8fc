import type { PostCount } from '@vip-presence/store';

export interface CountPublisherOptions {
  /** How long counts are batched before they are written. */
  delayMs: number;
  /**
   * Writes one batch: `announced` (changes made here) to the other nodes, `recorded` (every
   * count of the batch, one per post) to the top-posts index.
   */
  publish(announced: PostCount[], recorded: PostCount[]): void;
}

interface Queued {
  count: PostCount;
  announce: boolean;
}

/**
 * Counts on their way out of the node, batched for a few ms: one write per post per batch however
 * many changes it had, the newest `seq` kept. Which counts go, and whether the other nodes must
 * hear of them, is the presence core's (its `publish` effects); this only batches.
 */
export class CountPublisher {
  private readonly outbox = new Map<number, Queued>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: CountPublisherOptions) {}

  /** Queues a count for the top-posts index; `announce`: for the other nodes too. */
  enqueue(count: PostCount, announce: boolean): void {
    if (this.closed) return;
    const queued = this.outbox.get(count.postId);
    if (!queued || queued.count.seq < count.seq) {
      this.outbox.set(count.postId, { count, announce: announce || !!queued?.announce });
    } else {
      queued.announce ||= announce;
    }
    this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
  }

  /** Writes what is queued now (graceful shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.outbox.size === 0) return;
    const announced: PostCount[] = [];
    const recorded: PostCount[] = [];
    for (const { count, announce } of this.outbox.values()) {
      recorded.push(count);
      if (announce) announced.push(count);
    }
    this.outbox.clear();
    this.options.publish(announced, recorded);
  }

  /** Drops what is queued and takes no more. */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.outbox.clear();
    this.closed = true;
  }
}
