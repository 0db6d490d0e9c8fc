/**
 * The resources of one scenario: redis-server or a cluster, presence servers, the bare baseline,
 * the gc, load processes and profilers. Each is registered as it starts and stopped, in reverse
 * order, when the scenario ends (`close`, called by run.ts whatever happens).
 */
import type { ChildProcess } from 'node:child_process';
import { startRedisCluster, type RedisCluster, type RedisClusterOptions } from './cluster.js';
import type { Settings } from './context.js';
import {
  INSTRUMENT_NICE,
  LOADER_NICE,
  Loader,
  startBareServer,
  startGc,
  startPresenceServer,
  startRedis,
  stop,
  type NodeProcess,
  type RedisProcess,
  type RedisTarget,
} from './procs.js';
import { Profiling } from './profiling.js';
import { GC_INTERVAL_MS, LIVENESS } from './server-defaults.js';

export class Scope {
  private readonly cleanups: (() => Promise<void>)[] = [];

  constructor(
    private readonly settings: Pick<Settings, 'secret' | 'profile' | 'serverCli' | 'serverEnv'>,
  ) {}

  defer(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  async redis(name: string, port?: number): Promise<RedisProcess> {
    const r = await startRedis(name, port);
    this.defer(() => stop(r.child));
    return r;
  }

  /** A local Redis Cluster (3 masters by default), stopped at the end of the scenario. */
  async redisCluster(name: string, options?: RedisClusterOptions): Promise<RedisCluster> {
    const cluster = await startRedisCluster(name, options);
    this.defer(() => cluster.stop());
    return cluster;
  }

  /** A presence server with the bench's liveness settings and secret (and --server-cli/-env). */
  async server(
    name: string,
    redis: RedisTarget,
    env: Record<string, string> = {},
  ): Promise<NodeProcess> {
    const s = await startPresenceServer({
      name,
      redis,
      env: {
        ...LIVENESS,
        PRESENCE_SECRET: this.settings.secret,
        ...this.settings.serverEnv,
        ...env,
      },
      ...(this.settings.serverCli ? { cli: this.settings.serverCli } : {}),
    });
    this.defer(() => stop(s.child));
    return s;
  }

  /** `count` presence servers `${name}-node1`, `${name}-node2`, ..., started in turn. */
  async servers(name: string, redis: RedisTarget, count: number): Promise<NodeProcess[]> {
    const servers: NodeProcess[] = [];
    for (let n = 1; n <= count; n++) servers.push(await this.server(`${name}-node${n}`, redis));
    return servers;
  }

  /** The bare Socket.IO baseline (bare-server.ts). */
  async bareServer(name: string, env: Record<string, string>): Promise<NodeProcess> {
    const bare = await startBareServer(name, env);
    this.defer(() => stop(bare.child));
    return bare;
  }

  gc(name: string, redis: RedisTarget): ChildProcess {
    const child = startGc(name, redis, { GC_INTERVAL_MS: String(GC_INTERVAL_MS) });
    this.defer(() => stop(child));
    return child;
  }

  /** A load process; `instrument` for the ones that measure latency (see INSTRUMENT_NICE). */
  loader(name: string, instrument = false): Loader {
    const l = new Loader(
      name,
      { BENCH_PRESENCE_SECRET: this.settings.secret },
      instrument ? INSTRUMENT_NICE : LOADER_NICE,
    );
    // Loaders go first (cleanups run in reverse), so servers see their sockets close.
    this.cleanups.unshift(() => l.close());
    return l;
  }

  /** Profiles of a server's windows with --profile (results/profiles/<prefix>-<phase>.*). */
  async profiling(server: NodeProcess, prefix: string): Promise<Profiling> {
    const prof = await Profiling.attach(this.settings.profile, server.inspectPort, prefix);
    this.defer(async () => prof.close());
    return prof;
  }

  async close(): Promise<void> {
    for (const cleanup of this.cleanups.reverse()) await cleanup().catch(() => undefined);
    this.cleanups.length = 0;
  }
}
