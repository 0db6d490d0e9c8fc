/**
 * A local Redis Cluster for the bench (scenarios AC and FO): `redis-server --cluster-enabled yes`
 * nodes on free port pairs (the cluster bus listens on port + 10000), joined by
 * `redis-cli --cluster create`. As in packages/server/test/helpers/redis-cluster.ts, but every
 * process is registered with the bench (procs.ts), so killAll() stops the cluster with the run.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { addCounts, round } from './stats.js';
import {
  LOG_DIR,
  commandStats,
  freePort,
  redisCli,
  runCommand,
  startRedis,
  stop,
  waitFor,
  type RedisProcess,
  type RedisTarget,
} from './procs.js';

export interface RedisClusterOptions {
  /** @default 3 */
  masters?: number;
  /** Replicas per master (`--cluster-replicas`). @default 0 */
  replicas?: number;
  /**
   * `cluster-node-timeout`: how long a master may be unreachable before it is marked failed and a
   * replica takes over. @default 15000 (Redis's default)
   */
  nodeTimeoutMs?: number;
}

export interface RedisCluster {
  /** Seed nodes for REDIS_CLUSTER_NODES, "127.0.0.1:port" (the masters as created). */
  nodes: string[];
  /** The masters as created. */
  masters: RedisProcess[];
  /** The replicas (redis-cli picks their masters; see `replicaOf`). */
  replicas: RedisProcess[];
  stop(): Promise<void>;
}

/** Whether a TCP port on 127.0.0.1 can be bound right now. */
function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster-bus port (port + 10000) is free too. */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await freePort();
    if (taken.has(port) || taken.has(port + 10_000) || port + 10_000 > 65_535) continue;
    if (await isFree(port + 10_000)) return port;
  }
  throw new Error('no free port pair (port, port + 10000) for a cluster node');
}

/** `INFO <section>` of a node as key -> value. */
export async function redisInfo(port: number, section: string): Promise<Record<string, string>> {
  const text = await redisCli(port, 'info', section);
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

/** `CLUSTER INFO` of a node as key -> value. */
export async function clusterInfo(port: number): Promise<Record<string, string>> {
  const text = await redisCli(port, 'cluster', 'info');
  return Object.fromEntries(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

/** Port of the master that serves the slot of `key` (asked of the node on `port`). */
export async function slotOwner(port: number, key: string): Promise<number> {
  const slot = Number((await redisCli(port, 'cluster', 'keyslot', key)).trim());
  // CLUSTER SHARDS is Redis 7; CLUSTER NODES works everywhere: "<id> <ip:port@bus> <flags> ...
  // <master-id> <ping> <pong> <epoch> <state> <slot ranges...>".
  const nodes = await redisCli(port, 'cluster', 'nodes');
  for (const line of nodes.split('\n')) {
    const fields = line.trim().split(' ');
    if (!fields[2]?.includes('master') || fields[2].includes('fail')) continue;
    for (const range of fields.slice(8)) {
      const [from, to] = range.split('-').map(Number);
      if (from !== undefined && slot >= from && slot <= (to ?? from)) {
        return Number(fields[1]?.split('@')[0]?.split(':')[1]);
      }
    }
  }
  throw new Error(`no master serves slot ${slot} (key ${key})`);
}

/** Port of the master a replica follows (from its INFO replication). */
export async function replicaOf(port: number): Promise<number> {
  return Number((await redisInfo(port, 'replication')).master_port);
}

/**
 * Starts `masters` x (1 + `replicas`) cluster nodes, creates the cluster and waits until every
 * node says cluster_state:ok (and every replica's link to its master is up). Every wait is bounded.
 */
export async function startRedisCluster(
  name: string,
  options: RedisClusterOptions = {},
): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const replicas = options.replicas ?? 0;
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 15_000;
  // nodes-<port>.conf is the node's cluster state: start from an empty folder, never an old state.
  const dir = join(LOG_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const taken = new Set<number>();
  const started: RedisProcess[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((r) => stop(r.child)));
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freeClusterPort(taken);
      taken.add(port).add(port + 10_000);
      started.push(
        await startRedis(`${name}/node${i + 1}`, port, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
          '--cluster-node-timeout',
          String(nodeTimeoutMs),
          '--dir',
          dir,
        ]),
      );
    }
    const nodes = started.map((r) => `127.0.0.1:${r.port}`);
    await runCommand(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', String(replicas), '--cluster-yes'],
      30_000,
    );
    await waitFor(`${name}: cluster_state:ok on every node`, 30_000, async () => {
      const infos = await Promise.all(started.map((r) => clusterInfo(r.port)));
      return infos.every(
        (info) =>
          info.cluster_state === 'ok' && Number(info.cluster_known_nodes) === started.length,
      );
    });
    // Which node became what: asked, not assumed from redis-cli's order.
    const roles = await Promise.all(started.map((r) => redisInfo(r.port, 'replication')));
    const masterNodes = started.filter((_, i) => roles[i]?.role === 'master');
    const replicaNodes = started.filter((_, i) => roles[i]?.role !== 'master');
    await waitFor(`${name}: replicas in sync`, 30_000, async () => {
      const infos = await Promise.all(replicaNodes.map((r) => redisInfo(r.port, 'replication')));
      return infos.every((info) => info.role === 'slave' && info.master_link_status === 'up');
    });
    return {
      nodes: masterNodes.map((r) => `127.0.0.1:${r.port}`),
      masters: masterNodes,
      replicas: replicaNodes,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * What a scenario measures of the Redis it runs on, one redis-server or the masters of a cluster:
 * the target for servers and the gc, the pids for CPU windows (`redis`, or `redis1`..`redisN`),
 * and INFO commandstats of each master.
 */
export function underTest(redis: RedisProcess | RedisCluster) {
  const single = 'child' in redis;
  const masters = single ? [redis] : redis.masters;
  const target: RedisTarget = single ? redis.url : { clusterNodes: redis.nodes };
  const names = masters.map((_, i) => (single ? 'redis' : `redis${i + 1}`));
  const perMaster = (cpu: Record<string, number>) => names.map((n) => cpu[n] ?? NaN);
  return {
    target,
    masters,
    pids: Object.fromEntries(masters.map((m, i) => [names[i], m.child.pid ?? 0])),
    /** INFO commandstats of every master (command -> calls), in the order of `masters`. */
    commandStats: () => Promise.all(masters.map((m) => commandStats(m.port))),
    /** CPU over a window (% of one core), summed over the masters. */
    cpu: (cpu: Record<string, number>) =>
      round(
        perMaster(cpu).reduce((a, b) => a + b, 0),
        1,
      ),
    /** CPU over a window per master, "a / b / c". */
    cpuPerMaster: (cpu: Record<string, number>) => perMaster(cpu).join(' / '),
  };
}

/** Sum of several INFO commandstats (deltas), e.g. over the masters of a cluster. */
export function sumStats(parts: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parts) addCounts(out, part);
  return out;
}
