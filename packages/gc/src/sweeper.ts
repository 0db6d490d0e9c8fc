import type { Logger } from 'pino';
import {
  DEFAULT_KEY_PREFIX,
  defaultPubSubMode,
  listSites,
  publishCounts,
  siteKeyPrefix,
  RedisStore,
  type PubSubMode,
  type RedisClient,
  type SweptPost,
} from '@vip-presence/store';

export interface SweeperOptions {
  /** Connection to the presence Redis (single or Cluster). */
  redis: RedisClient;
  /**
   * Time between two sweeps.
   * @default 5_000
   */
  intervalMs?: number;
  /**
   * How counts are published to the nodes: "classic" (PUBLISH) or "sharded" (SPUBLISH, Redis 7).
   * Must match the servers' ADAPTER_MODE.
   * @default "sharded" on a Cluster, "classic" on one Redis
   */
  pubSubMode?: PubSubMode;
  /**
   * Prefix of the presence keys; must match the servers' KEY_PREFIX.
   * @default "vp"
   */
  keyPrefix?: string;
  /**
   * The servers' view window (their VIEW_WINDOW_MS): a sweep writes when the visitors it removes
   * were last seen (their lease's expiry), so that one back within the window is no new view.
   * @default 1_800_000
   */
  viewWindowMs?: number;
  /** Told of every sweep, good or not (metrics, health). */
  onSweep?: (report: SweepReport) => void;
  logger: Logger;
}

/** A count the gc changed, with how many visitors it removed, and the site of its post. */
export type SweptCount = SweptPost & { site?: string };

/** What one sweep did. */
export interface SweepReport {
  /** Every site was swept without an error. */
  ok: boolean;
  /** Sites walked, the default one included (0 when the list of sites could not be read). */
  sites: number;
  /** Steps that failed: reading the list of sites, or one site's sweep (the others still run). */
  errors: number;
  /** Posts whose count changed, each published. */
  changed: number;
  /** Expired visitors removed (a visitor counts once per post, whatever its tabs and nodes). */
  reclaimed: number;
  durationMs: number;
}

export interface Sweeper {
  /**
   * Runs one sweep now, of every site; resolves with the posts whose count changed. A site whose
   * sweep fails does not stop the others; the sweep then rejects with the first error.
   */
  sweepOnce(): Promise<SweptCount[]>;
  start(): void;
  stop(): Promise<void>;
}

/**
 * The gc: walks the index of active posts of every site (the default one and those listed in
 * `<prefix>:sites`), reclaims expired leases (a dead node's, a vanished
 * client's) and publishes the new counts on the counts channel, which takes each to the nodes
 * with readers of that post. Counts are right without it (expired leases never count); it
 * reclaims memory and makes leaves on posts no live node renews reach readers sooner. Several gcs
 * may run: each sweep of a post is one atomic script, so a lease is reclaimed and announced once.
 */
export function createSweeper(options: SweeperOptions): Sweeper {
  const prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const intervalMs = options.intervalMs ?? 5_000;
  const mode = options.pubSubMode ?? defaultPubSubMode(options.redis.isCluster);
  const viewWindowMs = options.viewWindowMs ?? 1_800_000;
  const log = options.logger.child({ module: 'gc' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SweptCount[]> | undefined;
  let healthy = true;

  /** One site's sweep, its changes published on its own counts channel. */
  async function sweepSite(site: string | undefined): Promise<SweptCount[]> {
    const store = new RedisStore(options.redis, { viewWindowMs, keyPrefix: prefix, site });
    const changed = await store.sweep();
    await publishCounts(options.redis, mode, siteKeyPrefix(prefix, site), changed);
    return site === undefined ? changed : changed.map((count) => ({ ...count, site }));
  }

  async function sweepOnce(): Promise<SweptCount[]> {
    const started = performance.now();
    const changed: SweptCount[] = [];
    const failures: unknown[] = [];
    let sites = 0;
    try {
      const named = await listSites(options.redis, prefix);
      for (const site of [undefined, ...named]) {
        sites += 1;
        try {
          changed.push(...(await sweepSite(site)));
        } catch (error) {
          failures.push(error); // logged by tick(), once until sweeps succeed again
        }
      }
    } catch (error) {
      failures.push(error);
    }
    const report: SweepReport = {
      ok: failures.length === 0,
      sites,
      errors: failures.length,
      changed: changed.length,
      reclaimed: changed.reduce((sum, count) => sum + count.reclaimed, 0),
      durationMs: performance.now() - started,
    };
    options.onSweep?.(report);
    if (failures.length > 0) throw failures[0];
    log.debug(
      {
        sites,
        changed: report.changed,
        reclaimed: report.reclaimed,
        ms: Math.round(report.durationMs),
      },
      'swept',
    );
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
