import type { CountPayload } from '@vip-presence/protocol';
import type { PostCount } from './store/types.js';

export interface FanOutOptions {
  /**
   * Sockets per emit. A room up to this size gets its count in one emit; a bigger room in
   * chunks of this size, one per turn of the event loop.
   */
  chunkSize: number;
  /** Local socket ids in the post's readers room (viewing or watching). */
  readers(postId: number): ReadonlySet<string> | undefined;
  /** Local socket ids whose visitor views the post (they get `self: true`). */
  viewers(postId: number): ReadonlySet<string> | undefined;
  /** One emit of the whole room: the viewers get `self: true`, the other readers `self: false`. */
  emitRoom(postId: number, payload: (self: boolean) => CountPayload): void;
  /** One emit to these sockets. */
  emitTo(socketIds: string[], payload: CountPayload): void;
}

interface Job {
  update: PostCount;
  /** The newest count that came while this job ran; it goes out when this one is done. */
  next?: PostCount;
  timer?: NodeJS.Immediate;
}

/**
 * Sends a post's count to its local readers without holding the event loop for a whole big
 * room: one emit to a 10,000-socket room blocks the loop for a few hundred ms, and joins, acks
 * and Redis replies would queue behind it. Big rooms go out in chunks, one per turn of the event
 * loop, so the work in between waits at most one chunk.
 *
 * At most one fan-out per post runs at a time. A newer count for the post waits for it (and
 * replaces any other waiting count), so every socket sees the post's counts in `seq` order and
 * the last sockets of a big room are reached even when counts change faster than a fan-out.
 */
export class FanOut {
  private readonly jobs = new Map<number, Job>();

  constructor(private readonly options: FanOutOptions) {}

  send(update: PostCount): void {
    const job = this.jobs.get(update.postId);
    if (job) {
      if (update.seq > (job.next?.seq ?? job.update.seq)) job.next = update;
      return;
    }
    this.start({ update });
  }

  /** Fan-outs in progress (for tests and metrics). */
  get inProgress(): number {
    return this.jobs.size;
  }

  close(): void {
    for (const job of this.jobs.values()) if (job.timer) clearImmediate(job.timer);
    this.jobs.clear();
  }

  private start(job: Job): void {
    const { postId } = job.update;
    const { chunkSize } = this.options;
    const readers = this.options.readers(postId);
    const payload = (self: boolean): CountPayload => ({
      postId,
      count: job.update.count,
      self,
      seq: job.update.seq,
    });
    if (!readers || readers.size <= chunkSize) {
      this.options.emitRoom(postId, payload);
      return;
    }
    // A snapshot: sockets that come later got the count with their join or watch.
    const viewers = this.options.viewers(postId) ?? new Set<string>();
    const selfIds: string[] = [];
    const otherIds: string[] = [];
    for (const id of readers) (viewers.has(id) ? selfIds : otherIds).push(id);
    const chunks: { ids: string[]; payload: CountPayload }[] = [];
    for (const [ids, self] of [
      [selfIds, true],
      [otherIds, false],
    ] as const) {
      const shared = payload(self);
      for (let i = 0; i < ids.length; i += chunkSize) {
        chunks.push({ ids: ids.slice(i, i + chunkSize), payload: shared });
      }
    }
    this.jobs.set(postId, job);
    let index = 0;
    const step = () => {
      job.timer = undefined;
      const chunk = chunks[index++];
      if (chunk) this.options.emitTo(chunk.ids, chunk.payload);
      if (index < chunks.length) {
        job.timer = setImmediate(step);
        return;
      }
      this.jobs.delete(postId);
      if (job.next) this.start({ update: job.next });
    };
    step();
  }
}
