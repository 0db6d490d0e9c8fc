import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { Events } from '@vip-presence/protocol';
import { publishCounts, type PresenceStore } from '@vip-presence/store';
import { CountPublisher } from './count-publisher.js';
import { createEffectRunner } from './effect-runner.js';
import { startEmbeddedSweeper } from './embedded-sweeper.js';
import { FanOut } from './fan-out.js';
import { Handshake } from './handshake.js';
import { Heartbeat } from './heartbeat.js';
import { createHttpHandler, readCredentials } from './http-api.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { resolveOptions, type PresenceServerOptions, type ResolvedOptions } from './options.js';
import { PresenceCore } from './presence-core.js';
import { createRefusals } from './refusals.js';
import { LeaseQueue } from './lease-queue.js';
import { handleConnection } from './socket-handlers.js';
import { StoreHealth } from './store-health.js';
import { setUpStore } from './store-setup.js';

/** How long changes are batched before they go to the other nodes and the top-posts index. */
const PUBLISH_DELAY_MS = 20;

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

/**
 * Builds a presence server node: Socket.IO on an HTTP server, a store (Redis when `redisUrl` is
 * set, else embedded), the presence core and what carries out its answers (fan-out, publisher,
 * heartbeat). Call `listen()` to start.
 */
export function createPresenceServer(options: PresenceServerOptions = {}): PresenceServer {
  const opts = resolveOptions(options);
  const log: Logger = (options.logger ?? createLogger()).child({
    module: 'server',
    node: opts.nodeId,
  });
  const metrics = createMetrics();
  const core = new PresenceCore({ maxPostsPerSocket: opts.maxPostsPerSocket });
  let closing = false;
  const isClosing = () => closing;
  let baseUrl = '';

  // Counts published by other nodes (and the gc) for the posts read here.
  const backend = setUpStore(opts, (count) => {
    metrics.countsReceived.inc();
    void run(core.heard(count));
  });
  const { store, client: storeClient, counts } = backend;
  const health = new StoreHealth(metrics, log, !storeClient);

  const httpServer = createServer();
  const io = new Server(httpServer, {
    maxHttpBufferSize: opts.maxPayloadBytes,
    pingInterval: opts.pingIntervalMs,
    pingTimeout: opts.pingTimeoutMs,
    cors: { origin: opts.allowedOrigins.length > 0 ? opts.allowedOrigins : true },
    serveClient: false,
  });
  if (backend.adapter) io.adapter(backend.adapter);
  httpServer.on(
    'request',
    createHttpHandler({
      store,
      metrics,
      readCredentials: readCredentials(opts),
      isReady: async () => !closing && (await store.ping()),
    }),
  );

  // Counts leave in emits to socket ids: the core holds who reads what; there are no rooms.
  const fanOut = new FanOut({
    windowMs: opts.coalesceWindowMs,
    maxDeliveriesPerSecond: opts.maxDeliveriesPerSecond,
    chunkSize: opts.fanOutChunkSize,
    readers: (postId) => core.readers(postId),
    tell: (count, socketId) => core.tell(count, socketId),
    emitTo: (socketIds, payload) => io.local.to(socketIds).emit(Events.Count, payload),
    delivered: (sockets) => metrics.deliveries.inc(sockets),
  });
  const publisher = new CountPublisher({
    delayMs: PUBLISH_DELAY_MS,
    publish(announced, recorded) {
      if (storeClient && announced.length > 0) {
        metrics.countsPublished.inc(announced.length);
        publishCounts(storeClient, backend.mode, opts.keyPrefix, announced).then(
          (deliveries) => metrics.countsDelivered.inc(deliveries),
          (error: unknown) => health.failed('publish', error),
        );
      }
      store.recordCounts(recorded).catch((error: unknown) => health.failed('recordCounts', error));
    },
  });
  const leases = new LeaseQueue();
  const run = createEffectRunner({
    core,
    io,
    store,
    nodeId: opts.nodeId,
    fanOut,
    publisher,
    leases,
    counts,
    health,
    metrics,
  });
  const heartbeat = new Heartbeat({
    core,
    store,
    run,
    health,
    metrics,
    nodeId: opts.nodeId,
    sessionTtlMs: opts.sessionTtlMs,
    intervalMs: opts.heartbeatIntervalMs,
    isClosing,
  });
  let stopSweeper: (() => void) | undefined;

  const refusals = createRefusals(metrics);
  const handshake = new Handshake({ options: opts, refusals, isClosing });
  io.use(handshake.check);
  const context = { core, run, store, leases, counts, health, handshake, refusals, metrics, log };
  const handlers = { ...context, options: opts };
  io.on('connection', (socket) => handleConnection(handlers, socket));

  // After a reconnect (Redis restarted?), re-assert every lease at once.
  if (storeClient) health.follow(storeClient, () => void heartbeat.beat());

  return {
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
        health.answered();
      }
      if (!opts.secret)
        log.warn('no secret set: development mode, joins need no token and the read API is open');
      else if (!opts.readApiToken)
        log.warn(
          'no READ_API_TOKEN: the read API accepts the signing secret; give it a credential of its own',
        );
      if (opts.allowedOrigins.length === 0)
        log.warn('no allowed origins set: any origin may connect');
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      heartbeat.start();
      if (store.kind === 'memory') {
        stopSweeper = startEmbeddedSweeper(store, core, run, opts.sweepIntervalMs, log);
      }
      const address = httpServer.address() as AddressInfo;
      baseUrl = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
      log.info({ port: address.port, host: address.address, store: store.kind }, 'listening');
      return { port: address.port, host: address.address };
    },
    heartbeat: () => heartbeat.beat(),
    async close() {
      if (closing) return;
      closing = true;
      heartbeat.stop();
      stopSweeper?.();
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Remove this node's viewers from every count now rather than when their leases run out.
      await run(core.close());
      publisher.flush();
      publisher.close();
      fanOut.close();
      await io.close();
      await stopped.catch(() => undefined);
      await store.close();
      await Promise.all(
        backend.clients.map((client) => client.quit().catch(() => client.disconnect())),
      );
      log.info('closed');
    },
  };
}
