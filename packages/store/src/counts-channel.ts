import { DEFAULT_KEY_PREFIX } from './keys.js';
import type { PubSubMode, RedisClient } from './redis-connection.js';
import type { PostCount } from './types.js';

/**
 * The counts channel: how a count changed on one node (or by the gc) reaches the nodes that have
 * readers of that post, and only those. One Redis channel per post, `<prefix>:counts:{p<postId>}`,
 * carrying `"<count> <seq>"`. The channel shares its post's hash tag, so on a Cluster a sharded
 * message goes to the shard that holds the post's keys. A node subscribes to a post's channel
 * while it has a reader or watcher of that post; with nobody subscribed a publish costs Redis
 * one lookup and goes nowhere.
 *
 * This format is the project's own; it is not the Socket.IO adapter's.
 */
export function countsChannel(postId: number, prefix: string = DEFAULT_KEY_PREFIX): string {
  return `${prefix}:counts:{p${postId}}`;
}

/**
 * Sends changed counts to the nodes with readers of each post, one command per post. Resolves with
 * how many deliveries Redis made (the sum of each publish's receivers), for the metrics.
 */
export async function publishCounts(
  redis: RedisClient,
  mode: PubSubMode,
  prefix: string,
  counts: readonly PostCount[],
): Promise<number> {
  const receivers = await Promise.all(
    counts.map(({ postId, count, seq }) => {
      const channel = countsChannel(postId, prefix);
      const message = `${count} ${seq}`;
      return mode === 'sharded'
        ? redis.spublish(channel, message)
        : redis.publish(channel, message);
    }),
  );
  return receivers.reduce<number>((sum, n) => sum + Number(n), 0);
}

/** Reads a message of the counts channel; undefined when it is not one. */
export function parseCountsMessage(
  channel: string,
  message: string,
  prefix: string,
): PostCount | undefined {
  const head = `${prefix}:counts:{p`;
  if (!channel.startsWith(head) || !channel.endsWith('}')) return undefined;
  const postId = Number(channel.slice(head.length, -1));
  const match = /^(\d+) (\d+)$/.exec(message);
  if (!match || !Number.isSafeInteger(postId) || postId < 1) return undefined;
  const count = Number(match[1]);
  const seq = Number(match[2]);
  if (!Number.isSafeInteger(count) || !Number.isSafeInteger(seq)) return undefined;
  return { postId, count, seq };
}

export interface CountsSubscriberOptions {
  /** A connection of its own (`createPubSubConnection`): subscribing takes it over. */
  subscriber: RedisClient;
  mode: PubSubMode;
  /** The site's key prefix (`siteKeyPrefix`). @default "vp" */
  keyPrefix?: string;
  /** A count published for a followed post. */
  onCount(count: PostCount): void;
}

/**
 * A node's side of the counts channel: follows the posts it has readers of. `follow` resolves
 * once Redis has the subscription, so a node that follows a post before it reads or writes the
 * post's count misses no later change. ioredis re-subscribes by itself after a reconnect.
 */
export class CountsSubscriber {
  private readonly followed = new Map<number, Promise<void>>();
  private readonly prefix: string;
  private readonly sharded: boolean;

  constructor(private readonly options: CountsSubscriberOptions) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.sharded = options.mode === 'sharded';
    options.subscriber.on(this.sharded ? 'smessage' : 'message', this.deliver);
  }

  private readonly deliver = (channel: string, message: string): void => {
    const count = parseCountsMessage(channel, message, this.prefix);
    if (count && this.followed.has(count.postId)) this.options.onCount(count);
  };

  /** Subscribes to a post's channel (once; later calls share the first). */
  follow(postId: number): Promise<void> {
    let subscribed = this.followed.get(postId);
    if (!subscribed) {
      const channel = countsChannel(postId, this.prefix);
      const { subscriber } = this.options;
      subscribed = (
        this.sharded ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel)
      ).then(
        () => undefined,
        (error: unknown) => {
          // Not subscribed: the next follow tries again.
          if (this.followed.get(postId) === subscribed) this.followed.delete(postId);
          throw error;
        },
      );
      this.followed.set(postId, subscribed);
    }
    return subscribed;
  }

  /**
   * Unsubscribes from a post's channel (nobody here reads it any more). Resolves once Redis
   * dropped the subscription; nobody needs to wait for that but tests.
   */
  async unfollow(postId: number): Promise<void> {
    if (!this.followed.delete(postId)) return;
    const channel = countsChannel(postId, this.prefix);
    const { subscriber } = this.options;
    await (this.sharded ? subscriber.sunsubscribe(channel) : subscriber.unsubscribe(channel)).catch(
      () => undefined, // a lost connection drops its subscriptions anyway
    );
  }

  /**
   * Unfollows every post and stops listening (a site with nobody left on this node); the
   * connection stays open for the others sharing it.
   */
  async close(): Promise<void> {
    const { subscriber } = this.options;
    subscriber.off(this.sharded ? 'smessage' : 'message', this.deliver);
    await Promise.all([...this.followed.keys()].map((postId) => this.unfollow(postId)));
  }

  /** Posts followed now. */
  get size(): number {
    return this.followed.size;
  }
}
