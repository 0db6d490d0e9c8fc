import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { PresenceStore } from '@vip-presence/store';
import { Handshake } from './handshake.js';
import { createHttpHandler, readCredentials, type HttpApiContext } from './http-api.js';
import { ListenError } from './listen-error.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { resolveOptions, type PresenceServerOptions, type ResolvedOptions } from './options.js';
import { createRefusals } from './refusals.js';
import { Sites } from './sites.js';
import { SocketHandlers } from './socket-handlers.js';
import { StoreHealth } from './store-health.js';
import { redisReady } from './store-readiness.js';
import { setUpStore } from './store-setup.js';

/** Where a listener is bound. */
export interface ListenAddress {
  port: number;
  host: string;
}

export interface PresenceServer {
  readonly io: Server;
  /** The public listener: Socket.IO, `/healthz`, `/readyz`. */
  readonly httpServer: HttpServer;
  /** The private listener: `/metrics`, the read API, `/healthz`, `/readyz`. */
  readonly privateHttpServer: HttpServer;
  /** The default site's store. */
  readonly store: PresenceStore;
  /** The store of a site's posts (undefined: the default site). */
  storeOf(site: string | undefined): PresenceStore;
  readonly nodeId: string;
  readonly options: Readonly<ResolvedOptions>;
  readonly metrics: Metrics;
  /** `http://host:port` of the public listener, once listening. */
  readonly url: string;
  /** `http://host:port` of the private listener, once listening. */
  readonly privateUrl: string;
  /**
   * Starts listening (port 0: a free port): the public listener on `port` and `host`, the private
   * one on `privateListener` (default: a free port on 127.0.0.1). Resolves once the store is
   * ready too.
   */
  listen(
    port?: number,
    host?: string,
    privateListener?: Partial<ListenAddress>,
  ): Promise<ListenAddress & { privatePort: number; privateHost: string }>;
  /**
   * Renews this node's leases of every site, and its connections per address, now (normally
   * every `heartbeatIntervalMs`).
   */
  heartbeat(): Promise<void>;
  /**
   * Starts a drain: `/readyz` answers 503 from now on, so load balancers stop sending readers
   * here, while everything else is served as before (sockets, joins, counts, new connections).
   * `close()` ends it.
   */
  drain(): void;
  /** Graceful shutdown: stop accepting, remove this node's viewers from every count, close. */
  close(): Promise<void>;
}

/**
 * Builds a presence server node: Socket.IO on an HTTP server, a store (Redis when `redisUrl` is
 * set, else embedded), and per site a presence core and what carries out its answers (fan-out,
 * publisher, heartbeat: `site.ts`). Call `listen()` to start.
 */
export function createPresenceServer(options: PresenceServerOptions = {}): PresenceServer {
  const opts = resolveOptions(options);
  const log: Logger = (options.logger ?? createLogger()).child({
    module: 'server',
    node: opts.nodeId,
  });
  // The gauges read the sites when scraped (they are made below).
  const metrics = createMetrics({
    sockets: () => sites.socketCount,
    leases: () => sites.leaseCount,
    sites: () => sites.size,
  });
  let closing = false;
  let draining = false;
  const isClosing = () => closing;
  let baseUrl = '';
  let privateBaseUrl = '';

  const backend = setUpStore(opts);
  const { client: storeClient } = backend;
  const store = backend.storeFor(undefined);
  const health = new StoreHealth(metrics, log, !storeClient);

  const httpContext: HttpApiContext = {
    storeOf: (site) => backend.storeFor(site),
    metrics,
    readCredentials: readCredentials(opts),
    isReady: async () =>
      !closing && !draining && (await store.ping()) && (await redisReady(storeClient, log)),
  };
  const httpServer = createServer();
  // Before Socket.IO attaches: it then hands every request off its own path to this handler
  // (a handler added after it would also answer Socket.IO's long-polling requests, with a 404).
  httpServer.on('request', createHttpHandler(httpContext, 'public'));
  const privateHttpServer = createServer(createHttpHandler(httpContext, 'private'));
  const io = new Server(httpServer, {
    maxHttpBufferSize: opts.maxPayloadBytes,
    pingInterval: opts.pingIntervalMs,
    pingTimeout: opts.pingTimeoutMs,
    cors: { origin: opts.allowedOrigins.length > 0 ? opts.allowedOrigins : true },
    serveClient: false,
  });
  if (backend.adapter) io.adapter(backend.adapter);
  const sites = new Sites({ ...backend, opts, io, health, metrics, log, isClosing });
  sites.get(undefined); // the default site, for the whole life of the node

  const refusals = createRefusals(metrics);
  const handshake = new Handshake({
    options: opts,
    connections: backend.addressConnections,
    refusals,
    health,
    isClosing,
  });
  io.use(handshake.check);
  const handlers = new SocketHandlers({
    sites,
    health,
    handshake,
    refusals,
    metrics,
    log,
    options: opts,
  });
  io.on('connection', handlers.connect);

  // After a reconnect (Redis restarted?), re-assert every lease and connection at once.
  if (storeClient)
    health.follow(storeClient, () => {
      void sites.beat();
      void handshake.renew();
    });

  return {
    io,
    httpServer,
    privateHttpServer,
    store,
    storeOf: (site) => backend.storeFor(site),
    metrics,
    nodeId: opts.nodeId,
    options: opts,
    get url() {
      return baseUrl;
    },
    get privateUrl() {
      return privateBaseUrl;
    },
    async listen(port = 0, host = '127.0.0.1', privateListener = {}) {
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
      if (opts.trustProxy === true)
        log.warn(
          { trustProxy: 1 },
          "TRUST_PROXY=true trusts one proxy: the client address is the X-Forwarded-For entry the nearest proxy added (before, the leftmost entry, which a client can write); set a hop count or the proxies' addresses",
        );
      const { port: privatePort = 0, host: privateHost = '127.0.0.1' } = privateListener;
      const address = await listenOn(httpServer, port, host).catch((error: unknown) => {
        throw new ListenError('public', host, port, error);
      });
      const privateAddress = await listenOn(privateHttpServer, privatePort, privateHost).catch(
        async (error: unknown) => {
          await new Promise((resolve) => httpServer.close(resolve));
          throw new ListenError('private', privateHost, privatePort, error);
        },
      );
      sites.start();
      handshake.start();
      baseUrl = urlOf(address);
      privateBaseUrl = urlOf(privateAddress);
      log.info(
        {
          port: address.port,
          host: address.address,
          privatePort: privateAddress.port,
          privateHost: privateAddress.address,
          store: store.kind,
        },
        'listening',
      );
      return {
        port: address.port,
        host: address.address,
        privatePort: privateAddress.port,
        privateHost: privateAddress.address,
      };
    },
    async heartbeat() {
      await Promise.all([sites.beat(), handshake.renew()]);
    },
    drain() {
      draining = true;
    },
    async close() {
      if (closing) return;
      closing = true;
      const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      const privateStopped = new Promise<void>((resolve) =>
        privateHttpServer.close(() => resolve()),
      );
      // Remove this node's viewers from every count now rather than when their leases run out.
      await sites.close();
      await io.close();
      await handshake.close();
      await stopped.catch(() => undefined);
      await privateStopped;
      await store.close();
      await Promise.all(
        backend.clients.map((client) => client.quit().catch(() => client.disconnect())),
      );
      log.info('closed');
    },
  };
}

/** Binds `server` to `port` on `host`; resolves with the address it got (port 0: a free one). */
function listenOn(server: HttpServer, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** `http://host:port` of a bound address (an IPv6 one in brackets). */
function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
