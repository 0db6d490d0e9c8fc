import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterInfo, redisCli, redisInfo, startRedisCluster } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'test-kit-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('startRedisCluster', () => {
  it('should start 3 masters that serve every slot, and remove its folder when stopped', async () => {
    const cluster = await startRedisCluster();
    try {
      expect(cluster.masters).toHaveLength(3);
      expect(cluster.replicas).toEqual([]);
      expect(cluster.nodes).toEqual(cluster.masters.map((m) => `127.0.0.1:${m.port}`));
      const info = await clusterInfo(cluster.masters[0]!.port);
      expect(info).toMatchObject({
        cluster_state: 'ok',
        cluster_slots_assigned: '16384',
        cluster_known_nodes: '3',
      });
      // Keys of different slots live on different masters: -c follows the redirections.
      for (const key of ['a', 'b', 'c']) {
        await redisCli(cluster.masters[0]!.port, ['-c', 'set', key, key]);
      }
      const sizes = await Promise.all(
        cluster.masters.map(async (m) => Number(await redisCli(m.port, ['dbsize']))),
      );
      expect(sizes.filter((size) => size > 0).length).toBeGreaterThan(1);
    } finally {
      await cluster.stop();
    }
    expect(existsSync(cluster.dir)).toBe(false);
    expect(cluster.masters.every((m) => !m.process.running)).toBe(true);
  });

  it('should give each master a replica in sync when asked, in the folder it is given', async () => {
    const cluster = await startRedisCluster({ replicas: 1, nodeTimeoutMs: 2_000, dir });
    try {
      expect(cluster.masters).toHaveLength(3);
      expect(cluster.replicas).toHaveLength(3);
      const followed = await Promise.all(
        cluster.replicas.map(async (r) => {
          const info = await redisInfo(r.port, 'replication');
          expect(info).toMatchObject({ role: 'slave', master_link_status: 'up' });
          return Number(info.master_port);
        }),
      );
      expect(followed.sort()).toEqual(cluster.masters.map((m) => m.port).sort());
      expect(
        await redisCli(cluster.masters[0]!.port, ['config', 'get', 'cluster-node-timeout']),
      ).toBe('cluster-node-timeout\n2000\n');
    } finally {
      await cluster.stop();
    }
    expect(existsSync(path.join(dir, 'node1.log'))).toBe(true);
    expect(existsSync(path.join(dir, 'node1', 'nodes.conf'))).toBe(true);
  });
});
