import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import {
  CLIENT_EVENTS,
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

/**
 * One connection's four events: each is checked (rate, name, payload, token), told to the core
 * of the socket's site, and, for joins and watches, sent to the site's store; the core's answer
 * is run and acked.
 */
export function handleConnection(context: SocketHandlersContext, socket: Socket): void {
  const { health, refusals, metrics, options, log } = context;
  const { visitorId, ip, site: siteKey, counted } = socket.data as SocketData;
  const { core, run, store, leases, counts } = context.sites.get(siteKey);
  core.connect(socket.id, visitorId);
  if (!counted) metrics.botConnections.inc();
  const refuse = (code: ErrorCode, message: string) => refusals.ack(protocolError(code, message));
  const unavailable = () =>
    refuse(ErrorCodes.Unavailable, 'presence store unavailable; retry later');

  /**
   * A join's or watch's store op, once its posts are followed (so no change of their counts is
   * missed in between); undefined when the store failed, once the core undid the start.
   */
  async function afterFollowing<T>(
    operation: string,
    follow: readonly number[],
    storeOp: () => Promise<T>,
    undo: () => readonly Effect[],
  ): Promise<T | undefined> {
    try {
      await Promise.all(follow.map((postId) => counts?.follow(postId)));
      const result = await storeOp();
      health.answered();
      return result;
    } catch (error) {
      health.failed(operation, error);
      void run(undo());
      return undefined;
    }
  }

  const bucket = new TokenBucket(options.eventsPerSecond, options.eventBurst);
  let strikes = 0;
  socket.use(([event, ...args], next) => {
    const last = args[args.length - 1];
    const ack = typeof last === 'function' ? (last as Ack) : undefined;
    // Leaving and unwatching only ever lower the load; a refused leave would keep a reader counted.
    const lowersLoad = event === Events.Leave || event === Events.Unwatch;
    if (!lowersLoad && !bucket.take()) {
      ack?.(refuse(ErrorCodes.RateLimited, `at most ${options.eventsPerSecond} events per second`));
      if (++strikes > MAX_STRIKES) socket.disconnect(true);
      return;
    }
    strikes = 0;
    if (!CLIENT_EVENTS.has(event)) {
      ack?.(refuse(ErrorCodes.UnknownEvent, `unknown event "${String(event).slice(0, 64)}"`));
      return;
    }
    next();
  });

  // The ack is the last argument, whatever came before it (an event without a payload, or with
  // more arguments than one, is still answered).
  const on = (event: string, handler: (payload: unknown) => Promise<unknown>) =>
    socket.on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const reply = typeof last === 'function' ? (last as Ack) : () => undefined;
      const payload = typeof last === 'function' && args.length === 1 ? undefined : args[0];
      handler(payload).then(reply, (error: unknown) => {
        log.error({ err: error }, 'handler failed');
        reply(refuse(ErrorCodes.Internal, 'internal error; nothing was changed'));
      });
    });

  on(Events.Join, async (payload): Promise<JoinAck> => {
    const parsed = parseJoin(payload);
    if (!parsed.ok) return refusals.ack(parsed.error);
    const { postId, token } = parsed.value;
    if (options.secret) {
      if (!token) return refuse(ErrorCodes.InvalidToken, 'a view token is required');
      const check = verifyViewToken(options.secret, token, postId, { site: siteKey });
      if (!check.ok) return refusals.ack(check.error);
    }
    if (!counted) return watchInsteadOfJoin(postId);
    const start = core.join(socket.id, postId);
    if (!start.ok) return refusals.ack(start.error);
    // In the lease's queue from now: a leave sent before this join is acked waits for it.
    const result = await leases.run(postId, visitorId, () =>
      afterFollowing(
        'join',
        start.follow,
        () =>
          store.join(postId, visitorId, options.nodeId, options.sessionTtlMs, {
            address: ip,
            maxVisitors: options.maxVisitorsPerIpAndPost,
          }),
        () => core.joinFailed(start),
      ),
    );
    if (!result) return unavailable();
    if (result.refused) {
      // Nothing was written: the core forgets the join as after a store failure.
      void run(core.joinFailed(start));
      return refuse(
        ErrorCodes.TooManyVisitors,
        `at most ${options.maxVisitorsPerIpAndPost} visitors from one address on a post`,
      );
    }
    if (!socket.connected) return refuse(ErrorCodes.Unavailable, 'disconnected');
    if (start.firstForVisitor) metrics.joins.inc();
    void run(core.joined(start, result));
    // seq orders this count against the pushed updates of the post (an optional field).
    return { ok: true, count: result.count, self: true, views: result.views, seq: result.seq };
  });

  /**
   * A known crawler's join (DESIGN 24): the socket watches the post and hears its counts, but is
   * never counted: no lease, no view, nothing written. Acked like a join whose visitor is not
   * among the count (`self: false`), so a client needs no other code path.
   */
  async function watchInsteadOfJoin(postId: number): Promise<JoinAck> {
    const start = core.watch(socket.id, [postId]);
    if (!start.ok) return refusals.ack(start.error);
    const current = await afterFollowing(
      'stats',
      start.follow,
      () => store.stats([postId]),
      () => core.watchFailed(start),
    );
    const stats = current?.[0];
    if (!stats) return unavailable();
    if (!socket.connected) return refuse(ErrorCodes.Unavailable, 'disconnected');
    metrics.botJoins.inc();
    void run(core.watched(start, current));
    return { ok: true, count: stats.count, self: false, views: stats.views, seq: stats.seq };
  }

  on(Events.Leave, async (payload): Promise<SimpleAck> => {
    const parsed = parseLeave(payload);
    if (!parsed.ok) return refusals.ack(parsed.error);
    // A crawler's join was a watch: its leave ends it.
    if (!counted) {
      void run(core.unwatch(socket.id, [parsed.value.postId]));
      return { ok: true };
    }
    // Acked once the store dropped the lease (or failed to).
    await run(core.leave(socket.id, parsed.value.postId));
    return { ok: true };
  });

  on(Events.Watch, async (payload): Promise<WatchAck> => {
    const parsed = parseWatch(payload, options.maxPostsPerSocket);
    if (!parsed.ok) return refusals.ack(parsed.error);
    const start = core.watch(socket.id, parsed.value.postIds);
    if (!start.ok) return refusals.ack(start.error);
    const current = await afterFollowing(
      'counts',
      start.follow,
      () => store.counts(start.postIds),
      () => core.watchFailed(start),
    );
    if (!current) return unavailable();
    if (!socket.connected) return refuse(ErrorCodes.Unavailable, 'disconnected');
    // The ack has counts only; the core sends each post's count with `self` first.
    void run(core.watched(start, current));
    return {
      ok: true,
      counts: Object.fromEntries(current.map((c) => [String(c.postId), c.count])),
    };
  });

  on(Events.Unwatch, async (payload): Promise<SimpleAck> => {
    const parsed = parseWatch(payload, options.maxPostsPerSocket);
    if (!parsed.ok) return refusals.ack(parsed.error);
    void run(core.unwatch(socket.id, parsed.value.postIds));
    return { ok: true };
  });

  socket.on('disconnect', () => {
    context.handshake.release(ip);
    void run(core.disconnect(socket.id));
  });
}
