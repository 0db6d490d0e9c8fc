import type { ConnectionStatus, PresenceError, PresenceState } from './types.js';

/** What the SDK's presence core and its transport (`presence-client.ts`) say to each other. */

export type InterestKind = 'view' | 'watch';

/** What the client must send. `id` ties the ack to the request. */
export type Command =
  | { type: 'join'; id: number; epoch: number; postId: number; token?: string }
  /** `token` stays undefined on a leave: joins and leaves share one shape. */
  | { type: 'leave'; id: number; epoch: number; postId: number; token?: string }
  | { type: 'watch'; id: number; epoch: number; postIds: number[] }
  | { type: 'unwatch'; id: number; epoch: number; postIds: number[] };

/** Call `retryDue(retry)` after `delayMs`. */
export interface RetryRequest {
  epoch: number;
  postId: number;
  kind: InterestKind;
  delayMs: number;
}

/** A join or watch the server refused: reported to the page once. */
export interface Refusal {
  postId: number;
  kind: InterestKind;
  error: PresenceError;
}

export interface CoreOutput {
  commands: Command[];
  retries: RetryRequest[];
  refusals: Refusal[];
  /**
   * Posts whose view token the server refused (expired or invalid): fetch fresh tokens, then
   * call `tokenRefreshed` for each. Asked once per refusal; the refusal is reported only if the
   * fetch brings no new token or the new token is refused too.
   */
  refreshes: number[];
}

export interface PresenceCore {
  /** A subscription of `kind` on the post starts. */
  addInterest(postId: number, kind: InterestKind): void;
  /** A subscription of `kind` on the post ends. */
  removeInterest(postId: number, kind: InterestKind): void;
  /** A (new) view token for the post; a post refused for good is asked again. */
  setToken(postId: number, token: string): void;
  /** The answer to a refresh: a fresh token, or `undefined` when none could be had. */
  tokenRefreshed(postId: number, token: string | undefined): void;
  /** Connected: a new epoch with nothing on the server; everything is asked again. */
  online(): void;
  /** The connection dropped or could not be opened: the server forgot this socket. */
  offline(): void;
  /** The server refused the connection (`origin_not_allowed`, `too_many_connections`, ...). */
  refused(error: PresenceError): void;
  /**
   * The page is away (hidden longer than `hiddenTimeoutMs`): it leaves the posts it views and
   * watches them instead, so its widgets keep their counts; back, it joins them again, and
   * watches them until the join is answered.
   */
  setAway(away: boolean): void;
  /**
   * Everything to do now: requests to send (their tracks move to in flight), retries to
   * schedule, refusals to report. Requests only while online.
   */
  drain(): CoreOutput;
  /** The answer to a command; `undefined` when none came (timeout). */
  applyAck(command: Command, ack: unknown): void;
  /** A retry's delay is over. */
  retryDue(retry: Pick<RetryRequest, 'epoch' | 'postId' | 'kind'>): void;
  /**
   * A `presence:count` update. Returns false when ignored: malformed, for a post not followed,
   * or older (`seq`) than the last one seen; a new connection or join accepts any `seq` again.
   */
  applyCount(payload: unknown): boolean;
  /** What a subscription of `kind` on the post shows. */
  snapshot(postId: number, kind: InterestKind): PresenceState;
  status(): ConnectionStatus;
}
