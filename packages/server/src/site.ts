import type { Server } from 'socket.io';
import { Events } from '@vip-presence/protocol';
import {
  CountsSubscriber,
  publishCounts,
  siteKeyPrefix,
  type PresenceStore,
  type PubSubMode,
  type RedisClient,
} from '@vip-presence/store';
import type { Logger } from 'pino';
import { CountPublisher } from './count-publisher.js';
import { createEffectRunner, type EffectRunner } from './effect-runner.js';
import { startEmbeddedSweeper } from './embedded-sweeper.js';
import { FanOut } from './fan-out.js';
import { Heartbeat } from './heartbeat.js';
import { LeaseQueue } from './lease-queue.js';
import type { Metrics } from './metrics.js';
import type { ResolvedOptions } from './options.js';
import { PresenceCore } from './presence-core.js';
import type { StoreHealth } from './store-health.js';

/** How long changes are batched before they go to the other nodes and the top-posts index. */
const PUBLISH_DELAY_MS = 20;

/** What every site of a node shares. */
export interface SiteDeps {
  opts: ResolvedOptions;
  io: Server;
  /** The store of a site's posts (`StoreSetup.storeFor`). */
  storeFor(site: string | undefined): PresenceStore;
  /** The store's Redis connection, on which counts are published (unset: embedded). */
  client?: RedisClient;
  /** The connection that follows the counts channel (unset: embedded). */
  subscriber?: RedisClient;
  mode: PubSubMode;
  health: StoreHealth;
  metrics: Metrics;
  log: Logger;
  isClosing(): boolean;
}

/**
 * One site's presence on this node (DESIGN 20): its presence core, store, fan-out, publisher,
 * counts channel and heartbeat. Sites share the node's connections and Socket.IO server and
 * nothing else, so post 42 of one site and post 42 of another are different posts everywhere:
 * in the core, in Redis (the site's key prefix) and on the counts channel.
 */
export class Site {
  readonly core: PresenceCore;
  readonly store: PresenceStore;
  readonly run: EffectRunner;
  readonly leases = new LeaseQueue();
  /** The counts channel of the site's posts read here (Redis only). */
  readonly counts: CountsSubscriber | undefined;
  private readonly publisher: CountPublisher;
  private readonly fanOut: FanOut;
  private readonly heartbeat: Heartbeat;
  private stopSweeper: (() => void) | undefined;

  constructor(
    /** The site's name; undefined for the default site. */
    readonly key: string | undefined,
    private readonly deps: SiteDeps,
  ) {
    const { opts, io, client, subscriber, mode, health, metrics } = deps;
    const core = (this.core = new PresenceCore({ maxPostsPerSocket: opts.maxPostsPerSocket }));
    const store = (this.store = deps.storeFor(key));
    const prefix = siteKeyPrefix(opts.keyPrefix, key);
    // Counts published by other nodes (and the gc) for this site's posts read here.
    const counts = (this.counts = subscriber
      ? new CountsSubscriber({
          subscriber,
          mode,
          keyPrefix: prefix,
          onCount: (count) => {
            metrics.countsReceived.inc();
            void this.run(core.heard(count));
          },
        })
      : undefined);
    // Counts leave in emits to socket ids: the core holds who reads what; there are no rooms.
    const fanOut = (this.fanOut = new FanOut({
      windowMs: opts.coalesceWindowMs,
      maxDeliveriesPerSecond: opts.maxDeliveriesPerSecond,
      chunkSize: opts.fanOutChunkSize,
      readers: (postId) => core.readers(postId),
      tell: (count, socketId) => core.tell(count, socketId),
      emitTo: (socketIds, payload) => io.local.to(socketIds).emit(Events.Count, payload),
      delivered: (sockets) => metrics.deliveries.inc(sockets),
    }));
    const publisher = (this.publisher = new CountPublisher({
      delayMs: PUBLISH_DELAY_MS,
      publish(announced, recorded) {
        if (client && announced.length > 0) {
          metrics.countsPublished.inc(announced.length);
          publishCounts(client, mode, prefix, announced).then(
            (deliveries) => metrics.countsDelivered.inc(deliveries),
            (error: unknown) => health.failed('publish', error),
          );
        }
        store
          .recordCounts(recorded)
          .catch((error: unknown) => health.failed('recordCounts', error));
      },
    }));
    this.run = createEffectRunner({
      core,
      io,
      store,
      nodeId: opts.nodeId,
      fanOut,
      publisher,
      leases: this.leases,
      counts,
      health,
      metrics,
    });
    this.heartbeat = new Heartbeat({
      core,
      store,
      run: this.run,
      health,
      metrics,
      nodeId: opts.nodeId,
      sessionTtlMs: opts.sessionTtlMs,
      intervalMs: opts.heartbeatIntervalMs,
      isClosing: deps.isClosing,
    });
  }

  /** Starts the heartbeat (and, on the embedded store, the in-process sweeper). */
  start(): void {
    this.heartbeat.start();
    if (this.store.kind === 'memory') {
      const { opts, log } = this.deps;
      this.stopSweeper = startEmbeddedSweeper(
        this.store,
        this.core,
        this.run,
        opts.sweepIntervalMs,
        log,
      );
    }
  }

  /** Renews this node's leases of the site now. */
  beat(): Promise<void> {
    return this.heartbeat.beat();
  }

  /** Nobody reads the site here any more (or the node closes): stop its timers and channel. */
  async stop(): Promise<void> {
    this.heartbeat.stop();
    this.stopSweeper?.();
    this.publisher.flush();
    this.publisher.close();
    this.fanOut.close();
    await this.counts?.close();
  }

  /** The node closes: remove this node's viewers of the site from every count, then stop. */
  async close(): Promise<void> {
    await this.run(this.core.close());
    await this.stop();
  }
}
