import { ErrorCodes, protocolError, type ProtocolError } from '@vip-presence/protocol';
import type { PostCount } from '@vip-presence/store';
import type { Effect, JoinStarted, Readers, Refusal, WatchStarted } from './presence-effects.js';

/**
 * The presence rules of one server node, pure: no socket, no timer, no Redis. The wiring tells it
 * what happens (a socket connects, joins, leaves, watches, unwatches, disconnects; the store
 * answers; another node publishes a count; the heartbeat is due; the node closes) and does what it
 * answers: store writes, counts to send, posts to stop following.
 *
 * - People, not tabs: a visitor's first socket viewing a post here takes this node's lease for
 *   the visitor; its last one leaving drops it.
 * - A socket reads a post while it views or watches it; only readers are told the post's counts,
 *   and `self` says whether the reader's visitor is among the count (for every tab of a viewing
 *   visitor, watching tabs too). Watching never counts.
 * - Counts are ordered by `seq`: an older count than the latest known is dropped.
 * - Each count leaves once per reader: the core remembers the `seq` each reader was last told
 *   and never tells it that `seq` (or an older one) again.
 * - A node follows a post's counts channel before the store op that reads the post's count, and
 *   stops when nobody here reads it.
 *
 * Membership lives here and nowhere else: the fan-out walks `readers()` and asks `tell()`.
 */

export interface PresenceCoreOptions {
  /** Most posts one socket may view or watch at once. */
  maxPostsPerSocket: number;
}

interface SocketState {
  visitorId: string;
  /** The posts the socket views or watches. */
  reads: Map<number, Reading>;
}

/** One socket reading one post. */
interface Reading {
  socket: SocketState;
  viewing: boolean;
  watching: boolean;
  /** The `seq` the socket was last told, in an ack or an update (`NOTHING_TOLD`: none yet). */
  told: number;
}

interface PostState {
  readers: Map<string, Reading>;
  /** visitorId -> sockets of that visitor viewing the post here: this node's leases. */
  viewers: Map<string, number>;
  /** The newest count known here. */
  latest: PostCount | undefined;
}

const NOTHING_TOLD = -1;
const NONE: readonly Effect[] = [];
const NO_VISITORS: readonly string[] = [];

export class PresenceCore {
  private readonly sockets = new Map<string, SocketState>();
  private readonly posts = new Map<number, PostState>();
  private leases = 0;

  constructor(private readonly options: PresenceCoreOptions) {}

  /** Sockets connected here. */
  get socketCount(): number {
    return this.sockets.size;
  }

  /** (post, visitor) leases this node holds. */
  get leaseCount(): number {
    return this.leases;
  }

  connect(socketId: string, visitorId: string): void {
    this.sockets.set(socketId, { visitorId, reads: new Map() });
  }

  /** The socket views the post from now on (and reads it), unless over its posts limit. */
  join(socketId: string, postId: number): JoinStarted | Refusal {
    const socket = this.sockets.get(socketId);
    if (!socket) return gone();
    let reading = socket.reads.get(postId);
    const fresh = !reading;
    if (!reading) {
      if (socket.reads.size >= this.options.maxPostsPerSocket) return this.tooManyPosts();
      reading = this.startReading(socketId, socket, postId);
    }
    const added = !reading.viewing;
    let firstForVisitor = false;
    if (added) {
      reading.viewing = true;
      firstForVisitor = this.addViewer(postId, socket.visitorId);
    }
    const { visitorId } = socket;
    return {
      ok: true,
      socketId,
      postId,
      visitorId,
      follow: [postId],
      added,
      firstForVisitor,
      fresh,
    };
  }

  /**
   * The store took the join; its answer goes back in the ack. The ack tells the socket its count
   * only when the socket read nothing of the post before and was sent nothing since: otherwise
   * the client keeps the updates it got (they came after its request) and not the ack's count,
   * so the count goes out as an update. The socket gets any newer count known here at once.
   */
  joined(start: JoinStarted, result: PostCount): readonly Effect[] {
    const effects: Effect[] = [];
    const count = { postId: result.postId, count: result.count, seq: result.seq }; // no views
    const reading = this.readingOf(start.socketId, start.postId);
    if (reading && start.fresh && reading.told === NOTHING_TOLD) reading.told = count.seq;
    if (this.learn(count, effects)) effects.push({ type: 'publish', count, announce: true });
    if (reading) this.catchUp(start.socketId, reading, start.postId, effects);
    return effects;
  }

  /** The store failed the join: undo what the join changed. The store has no lease to drop. */
  joinFailed(start: JoinStarted): readonly Effect[] {
    const reading = this.readingOf(start.socketId, start.postId);
    if (!reading) return NONE;
    const effects: Effect[] = [];
    if (start.added && reading.viewing) {
      reading.viewing = false;
      this.removeViewer(start.postId, reading.socket.visitorId);
    }
    if (!reading.viewing && !reading.watching)
      this.stopReading(start.socketId, start.postId, effects);
    return effects;
  }

  /** The socket stops viewing the post (it still reads it if it watches it). */
  leave(socketId: string, postId: number): readonly Effect[] {
    const reading = this.readingOf(socketId, postId);
    if (!reading?.viewing) return NONE;
    const effects: Effect[] = [];
    reading.viewing = false;
    const { visitorId } = reading.socket;
    if (this.removeViewer(postId, visitorId)) effects.push({ type: 'drop', postId, visitorId });
    if (!reading.watching) this.stopReading(socketId, postId, effects);
    return effects;
  }

  /** The socket watches the posts from now on, unless that takes it over its posts limit. */
  watch(socketId: string, postIds: readonly number[]): WatchStarted | Refusal {
    const socket = this.sockets.get(socketId);
    if (!socket) return gone();
    let reads = socket.reads.size;
    for (const postId of postIds) if (!socket.reads.has(postId)) reads += 1;
    if (reads > this.options.maxPostsPerSocket) return this.tooManyPosts();
    const added: number[] = [];
    for (const postId of postIds) {
      const reading = socket.reads.get(postId) ?? this.startReading(socketId, socket, postId);
      if (reading.watching) continue;
      reading.watching = true;
      added.push(postId);
    }
    return { ok: true, socketId, postIds, follow: postIds, added };
  }

  /**
   * The store read the counts of a watch (the ack carries them, without `self`): the socket is
   * sent each post's newest count now, with `self`, unless it already has it.
   */
  watched(start: WatchStarted, counts: readonly PostCount[]): readonly Effect[] {
    const effects: Effect[] = [];
    for (const count of counts) {
      this.learn(count, effects);
      const reading = this.readingOf(start.socketId, count.postId);
      if (reading) this.catchUp(start.socketId, reading, count.postId, effects);
    }
    return effects;
  }

  /** The store failed the watch: undo what the watch changed. */
  watchFailed(start: WatchStarted): readonly Effect[] {
    return this.unwatch(start.socketId, start.added);
  }

  /** The socket stops watching the posts (it still reads those it views). */
  unwatch(socketId: string, postIds: readonly number[]): readonly Effect[] {
    const effects: Effect[] = [];
    for (const postId of postIds) {
      const reading = this.readingOf(socketId, postId);
      if (!reading?.watching) continue;
      reading.watching = false;
      if (!reading.viewing) this.stopReading(socketId, postId, effects);
    }
    return effects;
  }

  /** The socket is gone: it leaves every post it viewed and reads nothing any more. */
  disconnect(socketId: string): readonly Effect[] {
    const socket = this.sockets.get(socketId);
    if (!socket) return NONE;
    const effects: Effect[] = [];
    for (const [postId, reading] of socket.reads) {
      if (reading.viewing && this.removeViewer(postId, socket.visitorId)) {
        effects.push({ type: 'drop', postId, visitorId: socket.visitorId });
      }
      this.stopReading(socketId, postId, effects);
    }
    this.sockets.delete(socketId);
    return effects;
  }

  /** The store answered a change made here (a dropped lease, a sweep) with this count. */
  stored(count: PostCount): readonly Effect[] {
    const effects: Effect[] = [];
    if (this.learn(count, effects)) effects.push({ type: 'publish', count, announce: true });
    return effects;
  }

  /** Another node (or the gc) published this count. */
  heard(count: PostCount): readonly Effect[] {
    const effects: Effect[] = [];
    this.learn(count, effects);
    return effects;
  }

  /**
   * The heartbeat is due: post -> visitors whose leases to renew. Posts only watched here come
   * with no visitors: the store prunes them, so an expired lease is announced even with no gc.
   */
  renewals(): Map<number, readonly string[]> {
    const leases = new Map<number, readonly string[]>();
    for (const [postId, post] of this.posts) {
      leases.set(postId, post.viewers.size > 0 ? [...post.viewers.keys()] : NO_VISITORS);
    }
    return leases;
  }

  /**
   * The store renewed the leases: every count goes into the top-posts index once, and those that
   * changed (an expired lease pruned) to the readers here and to the other nodes.
   */
  renewed(counts: readonly PostCount[]): readonly Effect[] {
    const effects: Effect[] = [];
    for (const count of counts) {
      effects.push({ type: 'publish', count, announce: this.learn(count, effects) });
    }
    return effects;
  }

  /** The node closes: drop every lease it holds and forget every socket. */
  close(): readonly Effect[] {
    const effects: Effect[] = [];
    for (const [postId, post] of this.posts) {
      for (const visitorId of post.viewers.keys())
        effects.push({ type: 'drop', postId, visitorId });
    }
    this.posts.clear();
    this.sockets.clear();
    this.leases = 0;
    return effects;
  }

  /** The post's readers here (undefined: none). */
  readers(postId: number): Readers | undefined {
    return this.posts.get(postId)?.readers;
  }

  /**
   * The fan-out reached this socket with `count`: returns the socket's `self` flag and records the
   * socket as told, or undefined when it must not be sent (it no longer reads the post, or has
   * this `seq` or a newer one).
   */
  tell(count: PostCount, socketId: string): boolean | undefined {
    const post = this.posts.get(count.postId);
    const reading = post?.readers.get(socketId);
    if (!post || !reading || reading.told >= count.seq) return undefined;
    reading.told = count.seq;
    return post.viewers.has(reading.socket.visitorId);
  }

  /** Keeps a newer count as the post's latest; false when it is not newer (dropped). */
  private learn(count: PostCount, effects: Effect[]): boolean {
    const post = this.posts.get(count.postId);
    if (!post) return true; // nobody here reads it: nothing to order against, nobody to tell
    if (post.latest && post.latest.seq >= count.seq) return false;
    post.latest = count;
    effects.push({ type: 'deliver', count });
    return true;
  }

  /** Sends the socket the post's newest count unless it has it. */
  private catchUp(socketId: string, reading: Reading, postId: number, effects: Effect[]): void {
    const post = this.posts.get(postId);
    const latest = post?.latest;
    if (!post || !latest || reading.told >= latest.seq) return;
    reading.told = latest.seq;
    const self = post.viewers.has(reading.socket.visitorId);
    const payload = { postId, count: latest.count, self, seq: latest.seq };
    effects.push({ type: 'send', socketId, payload });
  }

  private readingOf(socketId: string, postId: number): Reading | undefined {
    return this.sockets.get(socketId)?.reads.get(postId);
  }

  private startReading(socketId: string, socket: SocketState, postId: number): Reading {
    let post = this.posts.get(postId);
    if (!post) {
      post = { readers: new Map(), viewers: new Map(), latest: undefined };
      this.posts.set(postId, post);
    }
    const reading: Reading = { socket, viewing: false, watching: false, told: NOTHING_TOLD };
    socket.reads.set(postId, reading);
    post.readers.set(socketId, reading);
    return reading;
  }

  private stopReading(socketId: string, postId: number, effects: Effect[]): void {
    this.sockets.get(socketId)?.reads.delete(postId);
    const post = this.posts.get(postId);
    if (!post?.readers.delete(socketId) || post.readers.size > 0) return;
    this.posts.delete(postId);
    effects.push({ type: 'unfollow', postId });
  }

  /** Returns whether the visitor is new among the post's viewers here (a new lease). */
  private addViewer(postId: number, visitorId: string): boolean {
    const viewers = this.posts.get(postId)?.viewers;
    if (!viewers) return false;
    const sockets = viewers.get(visitorId) ?? 0;
    viewers.set(visitorId, sockets + 1);
    if (sockets > 0) return false;
    this.leases += 1;
    return true;
  }

  /** Returns whether that was the visitor's last socket viewing the post here (lease dropped). */
  private removeViewer(postId: number, visitorId: string): boolean {
    const viewers = this.posts.get(postId)?.viewers;
    const sockets = viewers?.get(visitorId);
    if (!viewers || sockets === undefined) return false;
    if (sockets > 1) {
      viewers.set(visitorId, sockets - 1);
      return false;
    }
    viewers.delete(visitorId);
    this.leases -= 1;
    return true;
  }

  private tooManyPosts(): Refusal {
    const max = this.options.maxPostsPerSocket;
    return refusal(ErrorCodes.TooManyPosts, `at most ${max} posts per socket`);
  }
}

function refusal(code: ProtocolError['code'], message: string): Refusal {
  return { ok: false, error: protocolError(code, message) };
}

/** Events of a socket the core no longer knows (it disconnected, or the node closed). */
function gone(): Refusal {
  return refusal(ErrorCodes.Unavailable, 'disconnected');
}
