import type { CountPayload } from '@vip-presence/protocol';
import type { PostCount } from '@vip-presence/store';

export interface FanOutOptions {
  /** Shortest time between two passes of a post's count over its readers. */
  windowMs: number;
  /** Deliveries per second one post may cause on this node; paces the passes of big rooms. */
  maxDeliveriesPerSecond: number;
  /**
   * Sockets per emit. A room up to this size gets its count in one step; a bigger room in chunks
   * of this size, paced to `maxDeliveriesPerSecond`.
   */
  chunkSize: number;
  /** The post's readers' socket ids: a live view, so sockets that start reading mid-pass are
   *  reached too. */
  readers(postId: number): { keys(): Iterator<string> } | undefined;
  /**
   * Whether to send `count` to this reader: its `self` flag, or undefined when it must not be
   * sent (it has this count or a newer one, or reads the post no more). Records it as told.
   */
  tell(count: PostCount, socketId: string): boolean | undefined;
  /** One emit to these sockets. */
  emitTo(socketIds: string[], payload: CountPayload): void;
  /** How many sockets an emit reached (for the deliveries metric). */
  delivered?(sockets: number): void;
  now?: () => number;
}

interface Job {
  postId: number;
  /** The newest count known for the post. */
  latest: PostCount;
  /** The count changed since the current or last pass began: another pass is due. */
  due: boolean;
  passStartedAt: number;
  /** Where a pass has got to; unset between passes. */
  cursor?: Iterator<string>;
  /** Readers walked in this pass (they set the post's window). */
  walked: number;
  timer?: NodeJS.Timeout;
}

/**
 * Coalesced, paced delivery of a post's count to its local readers.
 *
 * A post's count goes to its readers in passes. A post's first change after a quiet spell starts
 * a pass at once; changes during a pass or within the post's window after it are merged into the
 * next pass. The window is `windowMs`, widened for big rooms to hold `maxDeliveriesPerSecond`
 * (10,000 readers at 20,000/s: one pass per 500 ms), so a reader gets at most one update per
 * window however fast the count changes.
 *
 * A small room gets its pass in one step: one emit per `self` flag. A big room is walked in
 * chunks spread over its window rather than in one burst, and each chunk gets the newest count
 * when its turn comes, so a change reaches every reader within about one window (not a window
 * plus a whole fan-out) and the event loop stays free for joins and acks between chunks.
 *
 * Whom to tell, and with which `self`, is the presence core's (`tell`): readers who already have
 * the newest count (from an earlier pass, their join's ack, their watch) are skipped, so each
 * count reaches a socket once, and in `seq` order. This is the I/O-side scheduler only.
 */
export class FanOut {
  private readonly jobs = new Map<number, Job>();
  private readonly now: () => number;

  constructor(private readonly options: FanOutOptions) {
    this.now = options.now ?? Date.now;
  }

  send(update: PostCount): void {
    const job = this.jobs.get(update.postId);
    if (!job) {
      const fresh: Job = {
        postId: update.postId,
        latest: update,
        due: true,
        passStartedAt: -Infinity,
        walked: 0,
      };
      this.jobs.set(update.postId, fresh);
      this.rest(fresh, 0);
      return;
    }
    if (update.seq <= job.latest.seq) return;
    job.latest = update;
    job.due = true;
  }

  /** The window of a post with `readers` local readers. */
  windowFor(readers: number): number {
    const { windowMs, maxDeliveriesPerSecond } = this.options;
    return Math.max(windowMs, Math.ceil((readers * 1000) / maxDeliveriesPerSecond));
  }

  /** Posts with a pass running or a window open (for tests and metrics). */
  get inProgress(): number {
    return this.jobs.size;
  }

  close(): void {
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    this.jobs.clear();
  }

  /** Waits out the window, then runs the next pass if the count changed, else ends the job. */
  private rest(job: Job, delay: number): void {
    job.timer = setTimeout(() => {
      job.timer = undefined;
      if (job.due) this.startPass(job);
      else this.jobs.delete(job.postId);
    }, delay);
  }

  private startPass(job: Job): void {
    job.due = false;
    job.passStartedAt = this.now();
    job.cursor = this.options.readers(job.postId)?.keys();
    job.walked = 0;
    this.step(job);
  }

  private step(job: Job): void {
    job.timer = undefined;
    const startedAt = this.now();
    const { latest } = job;
    const selfIds: string[] = [];
    const otherIds: string[] = [];
    while (selfIds.length + otherIds.length < this.options.chunkSize) {
      const next = job.cursor?.next();
      if (!next || next.done) {
        job.cursor = undefined;
        break;
      }
      job.walked += 1;
      const self = this.options.tell(latest, next.value);
      if (self !== undefined) (self ? selfIds : otherIds).push(next.value);
    }
    const { postId, count, seq } = latest;
    if (selfIds.length > 0) this.options.emitTo(selfIds, { postId, count, self: true, seq });
    if (otherIds.length > 0) this.options.emitTo(otherIds, { postId, count, self: false, seq });
    const delivered = selfIds.length + otherIds.length;
    if (delivered > 0) this.options.delivered?.(delivered);
    if (!job.cursor) {
      this.endPass(job, job.walked);
      return;
    }
    // Paced: this chunk's share of the post's deliveries per second, counted from its start.
    const pause = (delivered * 1000) / this.options.maxDeliveriesPerSecond;
    job.timer = setTimeout(() => this.step(job), Math.max(0, startedAt + pause - this.now()));
  }

  private endPass(job: Job, readers: number): void {
    const due = job.passStartedAt + this.windowFor(readers);
    this.rest(job, Math.max(0, due - this.now()));
  }
}
