import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import {
  ErrorCodes,
  Events,
  parseJoin,
  parseLeave,
  parseWatch,
  protocolError,
  type ErrorCode,
  type JoinAck,
  type SimpleAck,
  type WatchAck,
} from '@vip-presence/protocol';
import { verifyViewToken } from '@vip-presence/protocol/token';
import type { Handshake, SocketData } from './handshake.js';
import type { Metrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import type { Effect } from './presence-effects.js';
import { TokenBucket } from './rate-limiter.js';
import type { Refusals } from './refusals.js';
import type { Site } from './site.js';
import type { Sites } from './sites.js';
import type { StoreHealth } from './store-health.js';

/** Refusals in a row after which a socket that keeps flooding is disconnected. */
const MAX_STRIKES = 200;

export interface SocketHandlersContext {
  sites: Sites;
  health: StoreHealth;
  handshake: Handshake;
  refusals: Refusals;
  metrics: Metrics;
  options: ResolvedOptions;
  log: Logger;
}

type Ack = (response: unknown) => void;

/** What a connection keeps between its events, beside what its handshake learned. */
interface ConnectionState extends SocketData {
  /** Its events per second (leaves and unwatches are never limited). */
  bucket: TokenBucket;
  /** Events refused by the rate limit in a row. */
  strikes: number;
}

/** One event of a socket, checked: what its handler gets. */
interface Call {
  socket: Socket;
  state: ConnectionState;
  site: Site;
  payload: unknown;
}

/**
 * The four events of every connection: each is checked (rate, name, payload, token), told to the
 * core of the socket's site, and, for joins and watches, sent to the site's store; the core's
 * answer is run and acked.
 *
 * One set of functions serves every socket: a connection gets two listeners (its events, its
 * disconnect) that are the same function objects for all, and its state is a few fields in
 * `socket.data`, so 10,000 readers do not hold 10,000 copies of a dozen closures.
 */
export class SocketHandlers {
  private readonly handlers: ReadonlyMap<string, (call: Call) => Promise<unknown>>;
  /** Every event of every socket (`this` is the socket: Node's EventEmitter calls it so). */
  private readonly onEvent: (this: Socket, ...args: unknown[]) => void;
  private readonly onDisconnect: (this: Socket) => void;

  constructor(private readonly context: SocketHandlersContext) {
    const dispatch = (socket: Socket, args: unknown[]) => this.dispatch(socket, args);
    const disconnected = (socket: Socket) => this.disconnected(socket);
    this.onEvent = function (this: Socket, ...args: unknown[]) {
      dispatch(this, args);
    };
    this.onDisconnect = function (this: Socket) {
      disconnected(this);
    };
    this.handlers = new Map<string, (call: Call) => Promise<unknown>>([
      [Events.Join, (call) => this.join(call)],
      [Events.Leave, (call) => this.leave(call)],
      [Events.Watch, (call) => this.watch(call)],
      [Events.Unwatch, (call) => this.unwatch(call)],
    ]);
  }

  /** Socket.IO's `connection`: the socket's handshake passed. */
  readonly connect = (socket: Socket): void => {
    const { options, metrics } = this.context;
    const state = socket.data as ConnectionState;
    state.bucket = new TokenBucket(options.eventsPerSecond, options.eventBurst);
    state.strikes = 0;
    this.siteOf(state).core.connect(socket.id, state.visitorId);
    if (!state.counted) metrics.botConnections.inc();
    socket.onAny(this.onEvent);
    socket.on('disconnect', this.onDisconnect);
  };

  private disconnected(socket: Socket): void {
    const state = socket.data as ConnectionState;
    this.context.handshake.release(state.ip);
    const site = this.siteOf(state);
    void site.run(site.core.disconnect(socket.id));
  }

  private siteOf(state: SocketData): Site {
    return this.context.sites.get(state.site);
  }

  /**
   * The rate limit, then the name, then the handler. The ack is the last argument, whatever came
   * before it (an event without a payload, or with more arguments than one, is still answered).
   */
  private dispatch(socket: Socket, [event, ...args]: unknown[]): void {
    const { options, log } = this.context;
    const state = socket.data as ConnectionState;
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    // Leaving and unwatching only ever lower the load; a refused leave would keep a reader counted.
    const lowersLoad = event === Events.Leave || event === Events.Unwatch;
    if (!lowersLoad && !state.bucket.take()) {
      ack?.(
        this.refuse(ErrorCodes.RateLimited, `at most ${options.eventsPerSecond} events per second`),
      );
      if (++state.strikes > MAX_STRIKES) socket.disconnect(true);
      return;
    }
    state.strikes = 0;
    const handler = typeof event === 'string' ? this.handlers.get(event) : undefined;
    if (!handler) {
      ack?.(this.refuse(ErrorCodes.UnknownEvent, `unknown event "${String(event).slice(0, 64)}"`));
      return;
    }
    const reply = ack ?? (() => undefined);
    const payload = ack && args.length === 1 ? undefined : args[0];
    handler({ socket, state, site: this.siteOf(state), payload }).then(reply, (error: unknown) => {
      log.error({ err: error }, 'handler failed');
      reply(this.refuse(ErrorCodes.Internal, 'internal error; nothing was changed'));
    });
  }

  private async join(call: Call): Promise<JoinAck> {
    const { refusals, options, metrics } = this.context;
    const { socket, state, site } = call;
    const parsed = parseJoin(call.payload);
    if (!parsed.ok) return refusals.ack(parsed.error);
    const { postId, token } = parsed.value;
    if (options.secret) {
      if (!token) return this.refuse(ErrorCodes.InvalidToken, 'a view token is required');
      const check = verifyViewToken(options.secret, token, postId, { site: state.site });
      if (!check.ok) return refusals.ack(check.error);
    }
    if (!state.counted) return this.watchInsteadOfJoin(call, postId);
    const { core, store, leases } = site;
    const start = core.join(socket.id, postId);
    if (!start.ok) return refusals.ack(start.error);
    // In the lease's queue from now: a leave sent before this join is acked waits for it.
    const result = await leases.run(postId, state.visitorId, () =>
      this.afterFollowing(
        site,
        'join',
        start.follow,
        () =>
          store.join(postId, state.visitorId, options.nodeId, options.sessionTtlMs, {
            address: state.ip,
            maxVisitors: options.maxVisitorsPerIpAndPost,
          }),
        () => core.joinFailed(start),
      ),
    );
    if (!result) return this.unavailable();
    if (result.refused) {
      // Nothing was written: the core forgets the join as after a store failure.
      void site.run(core.joinFailed(start));
      return this.refuse(
        ErrorCodes.TooManyVisitors,
        `at most ${options.maxVisitorsPerIpAndPost} visitors from one address on a post`,
      );
    }
    if (!socket.connected) return this.refuse(ErrorCodes.Unavailable, 'disconnected');
    if (start.firstForVisitor) metrics.joins.inc();
    void site.run(core.joined(start, result));
    // seq orders this count against the pushed updates of the post (an optional field).
    return { ok: true, count: result.count, self: true, views: result.views, seq: result.seq };
  }

  /**
   * A known crawler's join (DESIGN 24): the socket watches the post and hears its counts, but is
   * never counted: no lease, no view, nothing written. Acked like a join whose visitor is not
   * among the count (`self: false`), so a client needs no other code path.
   */
  private async watchInsteadOfJoin({ socket, site }: Call, postId: number): Promise<JoinAck> {
    const { refusals, metrics } = this.context;
    const start = site.core.watch(socket.id, [postId]);
    if (!start.ok) return refusals.ack(start.error);
    const current = await this.afterFollowing(
      site,
      'stats',
      start.follow,
      () => site.store.stats([postId]),
      () => site.core.watchFailed(start),
    );
    const stats = current?.[0];
    if (!stats) return this.unavailable();
    if (!socket.connected) return this.refuse(ErrorCodes.Unavailable, 'disconnected');
    metrics.botJoins.inc();
    void site.run(site.core.watched(start, current));
    return { ok: true, count: stats.count, self: false, views: stats.views, seq: stats.seq };
  }

  private async leave({ socket, state, site, payload }: Call): Promise<SimpleAck> {
    const parsed = parseLeave(payload);
    if (!parsed.ok) return this.context.refusals.ack(parsed.error);
    // A crawler's join was a watch: its leave ends it.
    if (!state.counted) {
      void site.run(site.core.unwatch(socket.id, [parsed.value.postId]));
      return { ok: true };
    }
    // Acked once the store dropped the lease (or failed to).
    await site.run(site.core.leave(socket.id, parsed.value.postId));
    return { ok: true };
  }

  private async watch({ socket, site, payload }: Call): Promise<WatchAck> {
    const { refusals, options } = this.context;
    const parsed = parseWatch(payload, options.maxPostsPerSocket);
    if (!parsed.ok) return refusals.ack(parsed.error);
    const start = site.core.watch(socket.id, parsed.value.postIds);
    if (!start.ok) return refusals.ack(start.error);
    const current = await this.afterFollowing(
      site,
      'counts',
      start.follow,
      () => site.store.counts(start.postIds),
      () => site.core.watchFailed(start),
    );
    if (!current) return this.unavailable();
    if (!socket.connected) return this.refuse(ErrorCodes.Unavailable, 'disconnected');
    // The ack has counts only; the core sends each post's count with `self` first.
    void site.run(site.core.watched(start, current));
    return {
      ok: true,
      counts: Object.fromEntries(current.map((c) => [String(c.postId), c.count])),
    };
  }

  private async unwatch({ socket, site, payload }: Call): Promise<SimpleAck> {
    const parsed = parseWatch(payload, this.context.options.maxPostsPerSocket);
    if (!parsed.ok) return this.context.refusals.ack(parsed.error);
    void site.run(site.core.unwatch(socket.id, parsed.value.postIds));
    return { ok: true };
  }

  /**
   * A join's or watch's store op, once its posts are followed (so no change of their counts is
   * missed in between); undefined when the store failed, once the core undid the start.
   */
  private async afterFollowing<T>(
    site: Site,
    operation: string,
    follow: readonly number[],
    storeOp: () => Promise<T>,
    undo: () => readonly Effect[],
  ): Promise<T | undefined> {
    const { health } = this.context;
    try {
      await Promise.all(follow.map((postId) => site.counts?.follow(postId)));
      const result = await storeOp();
      health.answered();
      return result;
    } catch (error) {
      health.failed(operation, error);
      void site.run(undo());
      return undefined;
    }
  }

  private refuse(code: ErrorCode, message: string) {
    return this.context.refusals.ack(protocolError(code, message));
  }

  private unavailable() {
    return this.refuse(ErrorCodes.Unavailable, 'presence store unavailable; retry later');
  }
}
