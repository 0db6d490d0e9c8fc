import type { CountPayload, ProtocolError } from '@vip-presence/protocol';
import type { PostCount } from '@vip-presence/store';

/*
 * What the presence core (`presence-core.ts`) answers: plain values the wiring carries out.
 */

/** What the wiring must do, in order. */
export type Effect =
  /** The visitor's last socket here stopped viewing the post: drop this node's lease, then pass
   *  the store's answer to `stored()`. */
  | { type: 'drop'; postId: number; visitorId: string }
  /** Send this count to one socket now (it must not wait for the post's next fan-out pass). */
  | { type: 'send'; socketId: string; payload: CountPayload }
  /** A newer count: pass it over the post's readers here (the fan-out asks `tell()` whom). */
  | { type: 'deliver'; count: PostCount }
  /** Write the count into the top-posts index; `announce`: it changed here, tell the other
   *  nodes too. */
  | { type: 'publish'; count: PostCount; announce: boolean }
  /** Nobody here reads the post any more: stop following its counts channel. */
  | { type: 'unfollow'; postId: number };

/** An expected refusal, sent back in the ack. */
export interface Refusal {
  ok: false;
  error: ProtocolError;
}

/** A join under way: lease the visitor in the store, then call `joined()` or `joinFailed()`. */
export interface JoinStarted {
  ok: true;
  socketId: string;
  postId: number;
  /** Whose lease the store write takes (`store.join`). */
  visitorId: string;
  /** Posts to follow before the store op (it reads their counts). */
  follow: readonly number[];
  /** The socket did not view the post before (a failure undoes the view). */
  added: boolean;
  /** The visitor's first socket viewing the post here: a new lease. */
  firstForVisitor: boolean;
  /** The socket did not read the post before: no count of it can be on its way to the socket. */
  fresh: boolean;
}

/** A watch under way: read the counts of `postIds`, then call `watched()` or `watchFailed()`. */
export interface WatchStarted {
  ok: true;
  socketId: string;
  postIds: readonly number[];
  /** Posts to follow before the store op (it reads their counts). */
  follow: readonly number[];
  /** The posts this watch started watching (a failure undoes them). */
  added: readonly number[];
}

/** A post's readers here, by socket id (a live view: the fan-out walks it). */
export type Readers = ReadonlyMap<string, unknown>;
