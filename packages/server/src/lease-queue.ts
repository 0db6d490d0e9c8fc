/**
 * Store writes of one visitor's lease on one post, run in the order they were asked for. A leave
 * sent right after a join (a fast subscribe and unsubscribe) must not reach the store before the
 * join does, or the visitor would stay counted until the lease expires.
 */
export class LeaseQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(postId: number, visitorId: string, write: () => Promise<T>): Promise<T> {
    const key = `${postId} ${visitorId}`;
    const previous = this.tails.get(key);
    const result = previous ? previous.then(write) : write();
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Leases with a write in flight (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
