/**
 * A local Redis Cluster for the bench (scenarios AC and FO), started by the test kit in
 * results/logs/<name>/ (each node's state and log), with every process registered so that
 * killAll() stops the cluster with the run. Also what the failover scenario asks of a cluster.
 */
import { join } from 'node:path';
import {
  redisInfo,
  startRedisCluster as startCluster,
  type RedisCluster,
  type RedisClusterOptions,
} from '@vip-presence/test-kit';
import { LOG_DIR, commandStats, redisCli, type RedisProcess, type RedisTarget } from './procs.js';
import { addCounts, round } from './stats.js';

export { clusterInfo, redisInfo } from '@vip-presence/test-kit';
export type { RedisCluster, RedisClusterOptions } from '@vip-presence/test-kit';

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
export function startRedisCluster(
  name: string,
  options: RedisClusterOptions = {},
): Promise<RedisCluster> {
  return startCluster({ ...options, dir: join(LOG_DIR, name) });
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
