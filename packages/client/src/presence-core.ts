import { ErrorCodes, isPostId, type ErrorCode } from '@vip-presence/protocol';
import { errorOf, isCount, isRecord } from './server-answers.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type {
  Command,
  InterestKind,
  PresenceCore,
  Refusal,
  RetryRequest,
} from './presence-core-api.js';
import type { ConnectionStatus, PresenceError } from './types.js';

export type {
  Command,
  CoreOutput,
  InterestKind,
  PresenceCore,
  Refusal,
  RetryRequest,
} from './presence-core-api.js';

/**
 * The pure presence core of the SDK: no socket, no timers, no DOM. The client tells it what
 * happens (subscriptions, connection changes, acks, count updates) and asks it what to send.
 *
 * Each post has two tracks, each a small state machine between what the page wants and what the
 * server has been told:
 * - `view`: this visitor is counted (`presence:join` / `presence:leave`);
 * - `watch`: counts arrive without being counted (`presence:watch` / `presence:unwatch`).
 * The server keeps them apart (a leave keeps a watch, an unwatch keeps a join).
 * At most one request per track is in flight, so subscribing and unsubscribing in quick
 * succession never stacks joins: what the page wants when an ack arrives is what is sent next.
 * Every connection is an epoch: acks of an older epoch are ignored, and a new epoch starts with
 * nothing on the server, so a reconnect rejoins everything exactly once.
 */

/**
 * Refusals that may go away by themselves: asked again after a backoff delay. Any other code
 * stays until the post's token changes (a bad or expired one is first refreshed, once).
 */
export const TEMPORARY_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.RateLimited,
  ErrorCodes.Unavailable,
  ErrorCodes.Internal,
  ErrorCodes.TooManyPosts,
  ErrorCodes.TooManyConnections,
  ErrorCodes.TooManyVisitors,
]);

/** Refusals of a join that a fresh token from the page's site may cure: fetched once. */
export const REFRESHABLE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.TokenExpired,
  ErrorCodes.InvalidToken,
]);

/** idle: not on the server; adding/removing: request in flight; unknown: the answer was lost. */
type TrackState = 'idle' | 'adding' | 'added' | 'removing' | 'unknown';

interface Track {
  /** Subscriptions that want this track. */
  wanted: number;
  state: TrackState;
  /** Id of the request in flight. */
  pending: number;
  error: PresenceError | null;
  /** Refused for good: not asked again until the token changes or the page reconnects. */
  refused: boolean;
  attempts: number;
  /** A retry is scheduled: nothing is sent for this track until it is due. */
  waiting: boolean;
  /** A count update arrived after the request was sent, so it is newer than the ack. */
  newer: boolean;
  /** A fresh token was asked for since the last successful join: the next refusal is told. */
  refreshed: boolean;
  /** The refusal held back while a fresh token is fetched. */
  held: PresenceError | null;
}

interface Post {
  view: Track;
  watch: Track;
  count: number | null;
  self: boolean;
  views: number | null;
  seq: number | null;
  /** A count arrived in this connection. */
  fresh: boolean;
}

const track = (): Track => ({
  wanted: 0,
  state: 'idle',
  pending: 0,
  error: null,
  refused: false,
  attempts: 0,
  waiting: false,
  newer: false,
  refreshed: false,
  held: null,
});

/** Whether the server sends the post's counts to a socket whose track is in this state. */
const sending = (state: TrackState) => state === 'added' || state === 'removing';

/** Whether the page receives the post's counts: viewing it, or watching it. */
const receives = ({ view, watch }: Post) => view.state === 'added' || watch.state === 'added';

export function createPresenceCore(
  backoff: BackoffOptions,
  random: () => number = Math.random,
): PresenceCore {
  const posts = new Map<number, Post>();
  const tokens = new Map<number, string>();
  /** `connecting` until the first connection; attempts after a drop stay `offline`. */
  let connection: ConnectionStatus = 'connecting';
  let connectionError: PresenceError | null = null;
  /** The page is away (hidden too long): its posts are watched, not viewed, until it is back. */
  let away = false;
  let epoch = 0;
  let lastId = 0;
  let retries: RetryRequest[] = [];
  let refusals: Refusal[] = [];
  let refreshes: number[] = [];

  /** Forgets a post nobody wants and the server no longer has. */
  function collect(postId: number, post: Post): void {
    const done = (t: Track) => !t.wanted && t.state === 'idle' && !t.waiting;
    if (done(post.view) && done(post.watch)) posts.delete(postId);
  }

  function newEpoch(status: ConnectionStatus): void {
    epoch++;
    connection = status;
    posts.forEach((post, postId) => {
      for (const t of [post.view, post.watch]) {
        t.state = 'idle';
        t.waiting = false;
        t.attempts = 0;
        if (!t.refused) t.error = null;
      }
      post.fresh = false;
      post.seq = null;
      collect(postId, post);
    });
  }

  function retry(postId: number, kind: InterestKind, t: Track): void {
    t.waiting = true;
    retries.push({ epoch, postId, kind, delayMs: backoffDelay(t.attempts++, backoff, random) });
  }

  function settled(t: Track, state: TrackState): void {
    t.state = state;
    t.pending = 0;
    t.error = null;
    t.refused = t.refreshed = false;
    t.attempts = 0;
  }

  function setToken(postId: number, token: string): void {
    if (tokens.get(postId) === token) return;
    tokens.set(postId, token);
    const view = posts.get(postId)?.view;
    if (view?.refused) {
      view.refused = false;
      view.error = view.held = null;
    }
  }

  /** The answer to one post's track; `result` is the ack, `undefined` when lost. */
  function answer(command: Command, postId: number, kind: InterestKind, ack: unknown): void {
    const post = posts.get(postId);
    const t = post?.[kind];
    if (!post || !t || command.epoch !== epoch || t.pending !== command.id) return;
    const adding = t.state === 'adding';
    t.pending = 0;
    if (ack === undefined) {
      // No answer: done or not, asking again is harmless (join, leave, watch are idempotent).
      t.state = 'unknown';
      retry(postId, kind, t);
    } else if (isRecord(ack) && ack.ok === true) {
      settled(t, adding ? 'added' : 'idle');
      if (adding) {
        post.fresh = true;
        if (kind === 'view') {
          if (isCount(ack.views)) post.views = ack.views;
          if (!t.newer && isCount(ack.count)) {
            post.count = ack.count;
            post.self = ack.self !== false;
            if (isCount(ack.seq)) post.seq = ack.seq;
          }
        } else if (!t.newer && post.view.state !== 'added') {
          // A watch ack tells no `self`; a joined post keeps what its join said.
          const count = isRecord(ack.counts) ? ack.counts[postId] : 0;
          post.count = isCount(count) ? count : 0;
          post.self = false;
        }
      }
    } else {
      const error = errorOf(ack);
      const temporary = TEMPORARY_ERROR_CODES.has(error.code);
      if (adding) {
        t.state = 'idle';
        t.refused = !temporary;
        // The page may be older than its token (a page cache): a fresh one first, then tell.
        const refresh = kind === 'view' && !t.refreshed && REFRESHABLE_ERROR_CODES.has(error.code);
        t.held = refresh ? error : null;
        if (refresh) {
          t.refreshed = true;
          refreshes.push(postId);
        } else {
          t.error = error;
          refusals.push({ postId, kind, error });
          if (temporary) retry(postId, kind, t);
        }
      } else if (temporary) {
        // Still on the server: ask again later. The page is not told; this is the SDK's business.
        t.state = 'added';
        retry(postId, kind, t);
      } else {
        t.state = 'idle'; // the server will not do it: nothing left to undo
      }
    }
    collect(postId, post);
  }

  /** Whether the server sends this socket the post's counts. */
  function following({ view, watch }: Post): boolean {
    return sending(view.state) || sending(watch.state);
  }

  /**
   * A post the page views but is not counted on, because it is away: watching it keeps its
   * counts coming, until the page is counted on it again (so the count never stops meanwhile).
   */
  function covered({ view, watch }: Post): boolean {
    return view.wanted > 0 && (away || (view.state !== 'added' && watch.state !== 'idle'));
  }

  return {
    addInterest(postId, kind) {
      let post = posts.get(postId);
      if (!post) {
        post = {
          view: track(),
          watch: track(),
          count: null,
          self: false,
          views: null,
          seq: null,
          fresh: false,
        };
        posts.set(postId, post);
      }
      post[kind].wanted++;
    },

    removeInterest(postId, kind) {
      const post = posts.get(postId);
      if (!post || !post[kind].wanted) return;
      post[kind].wanted--;
      collect(postId, post);
    },

    setToken,

    tokenRefreshed(postId, token) {
      const view = posts.get(postId)?.view;
      const held = view?.held;
      if (view && held && (!token || token === tokens.get(postId))) {
        view.held = null;
        view.error = held;
        refusals.push({ postId, kind: 'view', error: held });
      } else if (token) {
        setToken(postId, token);
      }
    },

    online() {
      connectionError = null;
      newEpoch('online');
    },

    offline() {
      newEpoch(connectionError ? 'error' : 'offline');
    },

    refused(error) {
      connectionError = error;
      newEpoch('error');
    },

    setAway(value) {
      away = value;
    },

    drain() {
      const commands: Command[] = [];
      if (connection === 'online') {
        const batches = { watch: [] as number[], unwatch: [] as number[] };
        const batchId = { watch: ++lastId, unwatch: ++lastId };
        posts.forEach((post, postId) => {
          for (const kind of ['view', 'watch'] as const) {
            const t = post[kind];
            const wanted = kind === 'view' ? t.wanted > 0 && !away : t.wanted > 0 || covered(post);
            let type: Command['type'];
            if (t.waiting) continue;
            if (wanted && !t.refused && (t.state === 'idle' || t.state === 'unknown')) {
              type = kind === 'view' ? 'join' : 'watch';
            } else if (!wanted && (t.state === 'added' || t.state === 'unknown')) {
              type = kind === 'view' ? 'leave' : 'unwatch';
            } else {
              continue;
            }
            const adding = type === 'join' || type === 'watch';
            // A post followed again after a gap starts its `seq` afresh (it may restart lower).
            if (adding && !following(post)) post.seq = null;
            t.state = adding ? 'adding' : 'removing';
            t.newer = false;
            if (type === 'watch' || type === 'unwatch') {
              t.pending = batchId[type];
              batches[type].push(postId);
            } else {
              t.pending = ++lastId;
              const token = type === 'join' ? tokens.get(postId) : undefined;
              commands.push({ type, id: t.pending, epoch, postId, token });
            }
          }
        });
        for (const type of ['watch', 'unwatch'] as const) {
          if (batches[type].length)
            commands.push({ type, id: batchId[type], epoch, postIds: batches[type] });
        }
      }
      const output = { commands, retries, refusals, refreshes };
      retries = [];
      refusals = [];
      refreshes = [];
      return output;
    },

    applyAck(command, ack) {
      if (command.type === 'join' || command.type === 'leave') {
        answer(command, command.postId, 'view', ack);
      } else {
        for (const postId of command.postIds) answer(command, postId, 'watch', ack);
      }
    },

    retryDue({ epoch: retryEpoch, postId, kind }) {
      const post = posts.get(postId);
      if (!post || retryEpoch !== epoch) return;
      post[kind].waiting = false;
      collect(postId, post);
    },

    applyCount(payload) {
      if (connection !== 'online' || !isRecord(payload)) return false;
      const { postId, count, self, seq } = payload;
      const post = isPostId(postId) ? posts.get(postId) : undefined;
      if (!post || !isCount(count) || (post.view.state === 'idle' && post.watch.state === 'idle'))
        return false;
      const ordered = isCount(seq);
      if (ordered && post.seq !== null && seq < post.seq) return false;
      post.count = count;
      if (typeof self === 'boolean') post.self = self;
      if (ordered) post.seq = seq;
      post.fresh = post.view.newer = post.watch.newer = true;
      return true;
    },

    snapshot(postId, kind) {
      const post = posts.get(postId);
      const count = post?.count ?? 0;
      const self = post?.self ?? false;
      // A watcher of a post this page views gets its counts through the join.
      const trackError =
        post && (kind === 'view' || post.view.state !== 'added') ? post[kind].error : null;
      const error = connectionError ?? trackError ?? null;
      return {
        postId,
        count,
        others: self && count > 0 ? count - 1 : count,
        self,
        views: post?.views ?? null,
        status: error
          ? 'error'
          : connection !== 'online'
            ? connection === 'offline'
              ? 'offline'
              : 'connecting'
            : post?.fresh && receives(post)
              ? 'live'
              : 'connecting',
        error,
      };
    },

    status: () => connection,
  };
}
