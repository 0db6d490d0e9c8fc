/**
 * Store writes of one visitor's lease on one post, run in the order they were asked for. A leave
 * sent right after a join (a fast subscribe and unsubscribe) must not reach the store before the
 * join does, or the visitor would stay counted until the lease expires.
 */
export class LeaseQueue {
  /** The last write asked for per lease, while one is in flight. */
  private readonly last = new Map<string, Promise<unknown>>();

  run<T>(postId: number, visitorId: string, write: () => Promise<T>): Promise<T> {
    const key = `${postId} ${visitorId}`;
    const previous = this.last.get(key);
    // After the previous write, whether it succeeded or not (a failed join leaves no lease).
    const result = previous ? previous.then(write, write) : write();
    this.last.set(key, result);
    const settled = () => {
      if (this.last.get(key) === result) this.last.delete(key);
    };
    result.then(settled, settled);
    return result;
  }
}
