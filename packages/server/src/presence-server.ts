import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import {
  CLIENT_EVENTS,
  ErrorCodes,
  Events,
  parseHandshakeAuth,
  parseJoin,
  parseLeave,
  parseWatch,
  protocolError,
  type CountPayload,
  type ErrorCode,
  type ProtocolError,
} from '@vip-presence/protocol';
import { verifyViewToken } from '@vip-presence/protocol/token';
import { CountRelay } from './count-relay.js';
import { FanOut } from './fan-out.js';
import { createHttpHandler } from './http-api.js';
import { assertLiveness } from './liveness.js';
import { LocalPresence, type LeaveOutcome } from './local-presence.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { DEFAULT_OPTIONS, type PresenceServerOptions, type ResolvedOptions } from './options.js';
import { TokenBucket } from './rate-limiter.js';
import {
  ConfigError,
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  defaultPubSubMode,
  MemoryStore,
  publishCounts,
  RedisStore,
  type PostCount,
  type PresenceStore,
  type RedisClient,
  type RedisTarget,
} from '@vip-presence/store';
import { createAdapterConnections } from './redis-connections.js';

/** How long changes are batched before they go to the other nodes. */
const PUBLISH_DELAY_MS = 20;
/** Refusals in a row after which a socket that keeps flooding is disconnected. */
const MAX_STRIKES = 200;

export interface PresenceServer {
  readonly io: Server;
  readonly httpServer: HttpServer;
  readonly store: PresenceStore;
  readonly nodeId: string;
  readonly options: Readonly<ResolvedOptions>;
  readonly metrics: Metrics;
  /** `http://host:port` once listening. */
  readonly url: string;
  /** Starts listening (port 0: a free port). Resolves once the store is ready too. */
  listen(port?: number, host?: string): Promise<{ port: number; host: string }>;
  /** Renews this node's leases now (normally every `heartbeatIntervalMs`). */
  heartbeat(): Promise<void>;
  /** Graceful shutdown: stop accepting, remove this node's viewers from every count, close. */
  close(): Promise<void>;
}

type Ack = (response: unknown) => void;
interface SocketData {
  visitorId: string;
  ip: string;
}

export function resolveOptions(options: PresenceServerOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    ...DEFAULT_OPTIONS,
    allowedOrigins: [...DEFAULT_OPTIONS.allowedOrigins],
    redisClusterNodes: [...DEFAULT_OPTIONS.redisClusterNodes],
    nodeId: `n${randomBytes(6).toString('hex')}`,
    ...stripUndefined(options),
  };
  delete (resolved as PresenceServerOptions).logger;
  assertLiveness(resolved);
  if (!Number.isSafeInteger(resolved.fanOutChunkSize) || resolved.fanOutChunkSize < 1) {
    throw new ConfigError('fanOutChunkSize', 'must be a whole number of at least 1');
  }
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(resolved.nodeId)) {
    throw new ConfigError('nodeId', 'must be 1-64 characters of [A-Za-z0-9_.-]');
  }
  return resolved;
}

/**
 * Builds a presence server node: Socket.IO on an HTTP server, a store (Redis when `redisUrl` is
 * set, else embedded), the coalesced count relay and the heartbeat. Call `listen()` to start.
 */
export function createPresenceServer(options: PresenceServerOptions = {}): PresenceServer {
  const opts = resolveOptions(options);
  const log: Logger = (options.logger ?? createLogger()).child({
    module: 'server',
    node: opts.nodeId,
  });
  const metrics = createMetrics();
  const local = new LocalPresence();
  const connectionsPerIp = new Map<string, number>();
  const redisClients: RedisClient[] = [];
  let closing = false;
  let storeUp = false;
  let baseUrl = '';

  const target: RedisTarget | undefined =
    opts.redisClusterNodes.length > 0
      ? { nodes: opts.redisClusterNodes }
      : opts.redisUrl
        ? { url: opts.redisUrl }
        : undefined;
  const pubSubMode = target
    ? (opts.adapterMode ?? defaultPubSubMode('nodes' in target))
    : 'classic';
  let store: PresenceStore;
  let storeClient: RedisClient | undefined;
  if (target) {
    storeClient = createStoreConnection(target);
    redisClients.push(storeClient);
    store = new RedisStore(storeClient, {
      viewWindowMs: opts.viewWindowMs,
      keyPrefix: opts.keyPrefix,
    });
  } else {
    store = new MemoryStore({ viewWindowMs: opts.viewWindowMs });
    storeUp = true;
  }

  const httpServer = createServer();
  const io = new Server(httpServer, {
    maxHttpBufferSize: opts.maxPayloadBytes,
    pingInterval: opts.pingIntervalMs,
    pingTimeout: opts.pingTimeoutMs,
    cors: { origin: opts.allowedOrigins.length > 0 ? opts.allowedOrigins : true },
    serveClient: false,
  });
  if (target) {
    const { adapter, clients } = createAdapterConnections(target, pubSubMode, opts.keyPrefix);
    redisClients.push(...clients);
    for (const client of clients) client.on('error', () => undefined); // reported via the store client
    io.adapter(adapter);
  }
  httpServer.on(
    'request',
    createHttpHandler({
      store,
      metrics,
      secret: opts.secret,
      isReady: async () => !closing && (await store.ping()),
    }),
  );

  const roomOf = (postId: number) => `p:${postId}`;
  const selfRoomOf = (postId: number) => `v:${postId}`;
  const audience = (postId: number) => io.of('/').adapter.rooms.get(roomOf(postId))?.size ?? 0;

  const fanOut = new FanOut({
    windowMs: opts.coalesceWindowMs,
    maxDeliveriesPerSecond: opts.maxDeliveriesPerSecond,
    chunkSize: opts.fanOutChunkSize,
    readers: (postId) => io.of('/').adapter.rooms.get(roomOf(postId)),
    viewers: (postId) => io.of('/').adapter.rooms.get(selfRoomOf(postId)),
    emitRoom(postId, payload) {
      io.local.to(selfRoomOf(postId)).emit(Events.Count, payload(true));
      io.local.to(roomOf(postId)).except(selfRoomOf(postId)).emit(Events.Count, payload(false));
    },
    emitTo(socketIds, payload) {
      io.local.to(socketIds).emit(Events.Count, payload);
    },
    delivered: (sockets) => metrics.deliveries.inc(sockets),
  });

  const relay = new CountRelay({
    publishDelayMs: PUBLISH_DELAY_MS,
    audience,
    deliver: (update) => fanOut.send(update),
    publish(updates) {
      if (storeClient) {
        publishCounts(storeClient, pubSubMode, opts.keyPrefix, updates).catch((error: unknown) =>
          storeFailed('publish', error),
        );
      }
      store.recordCounts(updates).catch((error: unknown) => storeFailed('recordCounts', error));
    },
  });

  // Counts changed on other nodes (and by the gc) for the posts read here.
  let counts: CountsSubscriber | undefined;
  if (target) {
    const subscriber = createPubSubConnection(target);
    subscriber.on('error', () => undefined); // reported via the store client
    redisClients.push(subscriber);
    counts = new CountsSubscriber({
      subscriber,
      mode: pubSubMode,
      keyPrefix: opts.keyPrefix,
      onCount: (count) => relay.offer(count, false),
    });
  }

  /** Nobody here reads the post any more: stop hearing of it. */
  function forgetIfUnread(postId: number): void {
    if (audience(postId) > 0) return;
    relay.forget(postId);
    counts?.unfollow(postId);
  }

  function storeFailed(operation: string, error: unknown): void {
    metrics.storeErrors.inc();
    if (storeUp) log.warn({ operation, err: error }, 'store unavailable');
    storeUp = false;
    metrics.storeUp.set(0);
  }

  function storeAnswered(): void {
    if (!storeUp) log.info('store available');
    storeUp = true;
    metrics.storeUp.set(1);
  }

  function refuse(code: ErrorCode, message: string): { ok: false; error: ProtocolError } {
    metrics.refusals.inc({ code });
    return { ok: false, error: protocolError(code, message) };
  }

  function connectionError(code: ErrorCode, message: string): Error {
    metrics.refusals.inc({ code });
    return Object.assign(new Error(message), { data: { code } });
  }

  function clientIp(socket: Socket): string {
    if (opts.trustProxy) {
      const forwarded = socket.handshake.headers['x-forwarded-for'];
      const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return socket.handshake.address;
  }

  io.use((socket, next) => {
    if (closing) return next(connectionError(ErrorCodes.Unavailable, 'server is shutting down'));
    const origin = socket.handshake.headers.origin;
    if (opts.allowedOrigins.length > 0 && (!origin || !opts.allowedOrigins.includes(origin))) {
      return next(connectionError(ErrorCodes.OriginNotAllowed, 'this origin may not connect'));
    }
    const auth = parseHandshakeAuth(socket.handshake.auth);
    if (!auth.ok) return next(connectionError(auth.error.code, auth.error.message));
    const ip = clientIp(socket);
    const open = connectionsPerIp.get(ip) ?? 0;
    if (opts.maxConnectionsPerIp > 0 && open >= opts.maxConnectionsPerIp) {
      return next(
        connectionError(ErrorCodes.TooManyConnections, 'too many connections from this address'),
      );
    }
    connectionsPerIp.set(ip, open + 1);
    const data: SocketData = { visitorId: auth.value.visitorId, ip };
    socket.data = data;
    next();
  });

  io.on('connection', (socket) => {
    const { visitorId, ip } = socket.data as SocketData;
    local.addSocket(socket.id, visitorId);
    metrics.connections.set(local.socketCount);
    const bucket = new TokenBucket(opts.eventsPerSecond, opts.eventBurst);
    let strikes = 0;

    socket.use(([event, ...args], next) => {
      const ack =
        typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as Ack) : undefined;
      // Leaving and unwatching only ever lower the load; a refused leave would keep a reader counted.
      const lowersLoad = event === Events.Leave || event === Events.Unwatch;
      if (!lowersLoad && !bucket.take()) {
        ack?.(refuse(ErrorCodes.RateLimited, `at most ${opts.eventsPerSecond} events per second`));
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

    const handle =
      (handler: (payload: unknown) => Promise<unknown>) => (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as Ack) : () => undefined;
        handler(payload).then(reply, (error: unknown) => {
          log.error({ err: error }, 'handler failed');
          reply(refuse(ErrorCodes.Internal, 'internal error; nothing was changed'));
        });
      };

    socket.on(
      Events.Join,
      handle(async (payload) => {
        const parsed = parseJoin(payload);
        if (!parsed.ok) return refuse(parsed.error.code, parsed.error.message);
        const { postId, token } = parsed.value;
        if (opts.secret) {
          if (!token) return refuse(ErrorCodes.InvalidToken, 'a view token is required');
          const check = verifyViewToken(opts.secret, token, postId);
          if (!check.ok) return refuse(check.error.code, check.error.message);
        }
        if (
          !local.isInterested(socket.id, postId) &&
          local.postsOf(socket.id) >= opts.maxPostsPerSocket
        ) {
          return refuse(
            ErrorCodes.TooManyPosts,
            `at most ${opts.maxPostsPerSocket} posts per socket`,
          );
        }
        const { firstForVisitor } = local.join(socket.id, postId);
        await socket.join(roomOf(postId));
        let result;
        try {
          // Follow the post's changes before reading its count, so none is missed in between.
          await counts?.follow(postId);
          result = await store.join(postId, visitorId, opts.nodeId, opts.sessionTtlMs);
          storeAnswered();
        } catch (error) {
          storeFailed('join', error);
          const outcome = local.leave(socket.id, postId);
          if (outcome?.lostInterest) await socket.leave(roomOf(postId));
          forgetIfUnread(postId);
          return refuse(ErrorCodes.Unavailable, 'presence store unavailable; retry later');
        }
        if (!socket.connected) return refuse(ErrorCodes.Unavailable, 'disconnected');
        if (firstForVisitor) metrics.joins.inc();
        for (const id of local.interestedSocketsOf(visitorId, postId)) {
          await io.of('/').sockets.get(id)?.join(selfRoomOf(postId));
        }
        metrics.leases.set(local.leaseCount);
        relay.offer(result, true);
        // seq orders this count against the pushed updates of the post (an optional field).
        return { ok: true, count: result.count, self: true, views: result.views, seq: result.seq };
      }),
    );

    socket.on(
      Events.Leave,
      handle(async (payload) => {
        const parsed = parseLeave(payload);
        if (!parsed.ok) return refuse(parsed.error.code, parsed.error.message);
        const outcome = local.leave(socket.id, parsed.value.postId);
        if (outcome) await afterLeave(socket, visitorId, outcome);
        return { ok: true };
      }),
    );

    socket.on(
      Events.Watch,
      handle(async (payload) => {
        const parsed = parseWatch(payload, opts.maxPostsPerSocket);
        if (!parsed.ok) return refuse(parsed.error.code, parsed.error.message);
        const { postIds } = parsed.value;
        const added = postIds.filter((postId) => !local.isInterested(socket.id, postId));
        if (local.postsOf(socket.id) + added.length > opts.maxPostsPerSocket) {
          return refuse(
            ErrorCodes.TooManyPosts,
            `at most ${opts.maxPostsPerSocket} posts per socket`,
          );
        }
        let current: PostCount[];
        try {
          await Promise.all(postIds.map((postId) => counts?.follow(postId)));
          current = await store.counts(postIds);
          storeAnswered();
        } catch (error) {
          storeFailed('counts', error);
          postIds.forEach(forgetIfUnread);
          return refuse(ErrorCodes.Unavailable, 'presence store unavailable; retry later');
        }
        if (!socket.connected) {
          postIds.forEach(forgetIfUnread);
          return refuse(ErrorCodes.Unavailable, 'disconnected');
        }
        for (const postId of postIds) {
          local.watch(socket.id, postId);
          const rooms = [roomOf(postId)];
          if (local.isViewing(visitorId, postId)) rooms.push(selfRoomOf(postId));
          await socket.join(rooms);
        }
        for (const count of current) {
          relay.offer(count, false);
          // The ack has counts only: tell the socket now whether its visitor is among them (a
          // watching tab whose visitor reads the post in another tab must not see itself as
          // "1 other").
          const known = relay.get(count.postId) ?? count;
          socket.emit(Events.Count, {
            postId: known.postId,
            count: known.count,
            self: local.isViewing(visitorId, known.postId),
            seq: known.seq,
          } satisfies CountPayload);
        }
        return {
          ok: true,
          counts: Object.fromEntries(current.map((c) => [String(c.postId), c.count])),
        };
      }),
    );

    socket.on(
      Events.Unwatch,
      handle(async (payload) => {
        const parsed = parseWatch(payload, opts.maxPostsPerSocket);
        if (!parsed.ok) return refuse(parsed.error.code, parsed.error.message);
        for (const postId of parsed.value.postIds) {
          if (local.unwatch(socket.id, postId)) {
            await socket.leave(roomOf(postId));
            await socket.leave(selfRoomOf(postId));
            forgetIfUnread(postId);
          }
        }
        return { ok: true };
      }),
    );

    socket.on('disconnect', () => {
      const open = (connectionsPerIp.get(ip) ?? 1) - 1;
      if (open > 0) connectionsPerIp.set(ip, open);
      else connectionsPerIp.delete(ip);
      const outcomes = local.removeSocket(socket.id);
      metrics.connections.set(local.socketCount);
      if (closing) return;
      for (const outcome of outcomes) {
        afterLeave(socket, visitorId, outcome).catch((error: unknown) =>
          log.error({ err: error }, 'leave failed'),
        );
      }
    });
  });

  /** After a socket stopped viewing a post: fix rooms, drop the lease if it was the last tab. */
  async function afterLeave(
    socket: Socket,
    visitorId: string,
    outcome: LeaveOutcome,
  ): Promise<void> {
    const { postId } = outcome;
    if (outcome.lostInterest && socket.connected) {
      await socket.leave(roomOf(postId));
      await socket.leave(selfRoomOf(postId));
    }
    if (!outcome.lastForVisitor) return;
    for (const id of local.interestedSocketsOf(visitorId, postId)) {
      await io.of('/').sockets.get(id)?.leave(selfRoomOf(postId));
    }
    metrics.leaves.inc();
    metrics.leases.set(local.leaseCount);
    try {
      relay.offer(await store.leave(postId, visitorId, opts.nodeId), true);
      storeAnswered();
    } catch (error) {
      // The lease runs out by itself within sessionTtlMs.
      storeFailed('leave', error);
    }
    forgetIfUnread(postId);
  }

  let beating: Promise<void> | undefined;
  function heartbeat(): Promise<void> {
    beating ??= renewLeases().finally(() => (beating = undefined));
    return beating;
  }

  async function renewLeases(): Promise<void> {
    if (closing) return;
    const end = metrics.heartbeatSeconds.startTimer();
    try {
      const leases: Map<number, readonly string[]> = local.leases();
      // Posts only watched here are pruned too: an expired lease is announced even with no gc.
      for (const postId of local.watchedOnlyPosts()) leases.set(postId, []);
      const renewed = await store.refresh(opts.nodeId, opts.sessionTtlMs, leases);
      storeAnswered();
      for (const count of renewed) relay.offer(count, true);
      await store.recordCounts(renewed);
    } catch (error) {
      storeFailed('heartbeat', error);
    } finally {
      end();
    }
  }

  let heartbeatTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;

  function startTimers(): void {
    heartbeatTimer = setInterval(() => void heartbeat(), opts.heartbeatIntervalMs);
    heartbeatTimer.unref();
    if (store.kind === 'memory') {
      // Embedded mode: the gc runs in-process.
      sweepTimer = setInterval(() => {
        store
          .sweep()
          .then((changed) => changed.forEach((count) => relay.offer(count, true)))
          .catch((error: unknown) => log.error({ err: error }, 'sweep failed'));
      }, opts.sweepIntervalMs);
      sweepTimer.unref();
    }
  }

  if (storeClient) {
    let everReady = false;
    storeClient.on('ready', () => {
      storeAnswered();
      // After a reconnect (Redis restarted?), re-assert every lease at once.
      if (everReady) void heartbeat();
      everReady = true;
    });
    storeClient.on('error', (error: Error) => storeFailed('connection', error));
    storeClient.on('end', () => storeFailed('connection', new Error('connection closed')));
  }

  const server: PresenceServer = {
    io,
    httpServer,
    store,
    metrics,
    nodeId: opts.nodeId,
    options: opts,
    get url() {
      return baseUrl;
    },
    async listen(port = 0, host = '127.0.0.1') {
      if (storeClient) {
        await storeClient.connect();
        storeAnswered();
      }
      if (!opts.secret)
        log.warn('no secret set: development mode, joins need no token and the read API is open');
      if (opts.allowedOrigins.length === 0)
        log.warn('no allowed origins set: any origin may connect');
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      startTimers();
      const address = httpServer.address() as AddressInfo;
      baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      log.info({ port: address.port, host: address.address, store: store.kind }, 'listening');
      return { port: address.port, host: address.address };
    },
    heartbeat,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(heartbeatTimer);
      clearInterval(sweepTimer);
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Remove this node's viewers from every count now rather than when their leases run out.
      const leaves = [...local.allLeases()].map(([postId, visitorId]) =>
        store.leave(postId, visitorId, opts.nodeId).then(
          (count) => relay.offer(count, true),
          (error: unknown) => storeFailed('leave', error),
        ),
      );
      await Promise.all(leaves);
      relay.flush();
      relay.close();
      fanOut.close();
      await io.close();
      await stopped.catch(() => undefined);
      await store.close();
      await Promise.all(
        redisClients.map((client) => client.quit().catch(() => client.disconnect())),
      );
      log.info('closed');
    },
  };
  return server;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
