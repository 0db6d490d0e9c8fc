import type { ErrorCode } from '@vip-presence/protocol';
import type { PresenceClientOptions } from './options.js';

/**
 * What a subscription knows about its post's connection:
 * - `connecting`: not live yet (the socket is opening, or the join/watch is on its way);
 * - `live`: counted (or watching) and receiving updates;
 * - `offline`: the connection is down; the SDK reconnects by itself and rejoins;
 * - `error`: refused (see `error.code`); retried by itself when the refusal is temporary.
 */
export type PresenceStatus = 'connecting' | 'live' | 'offline' | 'error';

/**
 * The status of the page's one connection: `connecting` until it first connects (or fails),
 * `online`, `offline` (reconnecting by itself), or `error` (refused by the server).
 */
export type ConnectionStatus = 'connecting' | 'online' | 'offline' | 'error';

/**
 * A refusal. `code` is one of the protocol's stable error codes (`invalid_token`, `rate_limited`,
 * `too_many_posts`, `origin_not_allowed`, ...), see `ErrorCodes` in `@vip-presence/protocol`.
 */
export interface PresenceError {
  code: ErrorCode;
  message: string;
}

/** What a subscriber callback receives, every time something it shows changes. */
export interface PresenceState {
  postId: number;
  /** People viewing the post (tabs of one browser count once). 0 until the first count arrives. */
  count: number;
  /** People viewing the post other than this visitor: `count - 1` when `self`, else `count`. */
  others: number;
  /** Whether this visitor (this browser, in this or another tab) is among `count`. */
  self: boolean;
  /** Total views of the post, from the server's join answer; `null` when only watching. */
  views: number | null;
  status: PresenceStatus;
  /** Why, when `status` is `error`; otherwise `null`. */
  error: PresenceError | null;
}

export type PresenceCallback = (state: PresenceState) => void;

/** Stops the subscription. Calling it again does nothing. */
export type Unsubscribe = () => void;

export interface SubscribeOptions {
  /**
   * Count this visitor as viewing the post. `false`: only watch the count (archive pages,
   * lists, dashboards).
   * @default true
   */
  count?: boolean;
  /**
   * The post's signed view token, when it was not given to `configure({ tokens })`.
   * @default undefined
   */
  token?: string;
}

/** The SDK: `window.vipPresence` in the browser build, `createPresenceClient()` in the ESM one. */
export interface PresenceClient {
  /**
   * Sets the server URL, merges view tokens, changes any other option. May be called before or
   * after `subscribe`: connecting waits for a URL.
   */
  configure(options: PresenceClientOptions): void;
  /**
   * Follows a post's live count. `callback` is called (never synchronously) with the current
   * state, then on every change. Returns the function that stops it.
   * By default this visitor is counted as viewing the post; `{ count: false }` only watches.
   */
  subscribe(
    postId: number | string,
    callback: PresenceCallback,
    options?: SubscribeOptions,
  ): Unsubscribe;
  /** The status of the page's one connection. */
  getStatus(): ConnectionStatus;
  /** Disconnects and drops every subscription; the client does nothing afterwards. */
  close(): void;
  /** The SDK version. */
  readonly version: string;
}
