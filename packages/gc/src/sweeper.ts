import { Emitter } from '@socket.io/redis-emitter';
import { Cluster, type Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  COUNTS_CHANNEL_EVENT,
  RedisStore,
  type CountTuple,
  type PostCount,
} from '@vip-presence/server';

export interface SweeperOptions {
  /** Connection to the presence Redis (single or Cluster). */
  redis: Redis | Cluster;
  /**
   * Time between two sweeps.
   * @default 5_000
   */
  intervalMs?: number;
  /**
   * How the servers' adapter broadcasts: "classic" (PUBLISH) or "sharded" (SPUBLISH, Redis 7).
   * Must match the servers' ADAPTER_MODE. Default: sharded on a cluster, classic on one Redis.
   */
  adapterMode?: 'classic' | 'sharded';
  /**
   * Prefix of the presence keys; must match the servers' KEY_PREFIX.
   * @default "vp"
   */
  keyPrefix?: string;
  logger: Logger;
}

export interface Sweeper {
  /** Runs one sweep now; resolves with the posts whose count changed. */
  sweepOnce(): Promise<PostCount[]>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * The gc: walks the index of active posts, reclaims expired leases (a dead node's, a vanished
 * client's) and tells every server node the new counts, which pass them on to their readers.
 * Counts are right without it (expired leases never count); it reclaims memory and makes leaves
 * on posts no live node renews reach readers sooner. Several gcs may run: each sweep of a post is
 * one atomic script, so a lease is reclaimed and announced once.
 */
export function createSweeper(options: SweeperOptions): Sweeper {
  const prefix = options.keyPrefix ?? 'vp';
  const intervalMs = options.intervalMs ?? 5_000;
  const log = options.logger.child({ module: 'gc' });
  // The store only reads viewWindowMs on joins, which the gc never makes.
  const store = new RedisStore(options.redis, { viewWindowMs: 0, keyPrefix: prefix });
  const announce = createAnnouncer(options.redis, options.adapterMode, prefix);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PostCount[]> | undefined;
  let healthy = true;

  async function sweepOnce(): Promise<PostCount[]> {
    const started = Date.now();
    const changed = await store.sweep();
    if (changed.length > 0) {
      const tuples: CountTuple[] = changed.map(({ postId, count, seq }) => [postId, count, seq]);
      await announce(tuples);
    }
    log.debug({ changed: changed.length, ms: Date.now() - started }, 'swept');
    return changed;
  }

  function tick(): void {
    running ??= sweepOnce()
      .then((changed) => {
        if (!healthy) log.info('sweeping again');
        healthy = true;
        return changed;
      })
      .catch((error: unknown) => {
        if (healthy) log.warn({ err: error }, 'sweep failed; retrying every interval');
        healthy = false;
        return [];
      })
      .finally(() => (running = undefined));
  }

  return {
    sweepOnce,
    start() {
      timer ??= setInterval(tick, intervalMs);
      tick();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

/**
 * Tells every server node of changed counts, as a server-side emit of the Socket.IO Redis adapter.
 * Classic mode goes through the adapter's own emitter; the sharded adapter has none, so its
 * message is published the way its nodes publish theirs (JSON on the namespace's shard channel).
 */
function createAnnouncer(
  redis: Redis | Cluster,
  mode: 'classic' | 'sharded' | undefined,
  prefix: string,
): (tuples: CountTuple[]) => Promise<void> {
  if ((mode ?? (redis instanceof Cluster ? 'sharded' : 'classic')) === 'classic') {
    const emitter = new Emitter(redis as Redis, { key: `${prefix}:sio` });
    return async (tuples) => void emitter.serverSideEmit(COUNTS_CHANNEL_EVENT, tuples);
  }
  const channel = `${prefix}:sio#/#`;
  return async (tuples) => {
    const message = {
      uid: 'emitter',
      nsp: '/',
      type: SERVER_SIDE_EMIT,
      data: { packet: [COUNTS_CHANNEL_EVENT, tuples] },
    };
    await redis.spublish(channel, JSON.stringify(message));
  };
}

/** socket.io-adapter's MessageType.SERVER_SIDE_EMIT. */
const SERVER_SIDE_EMIT = 9;
