import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTlsCertificates,
  startRedisCluster,
  type RedisCluster,
  type TlsCertificates,
} from '@vip-presence/test-kit';
import { closeAllClients } from '../helpers/clients.js';
import { killAllProcesses, startServerProcess } from '../helpers/processes.js';
import {
  APP_RULES,
  expectCountsAcrossNodes,
  expectRefusedAtStart,
} from '../helpers/redis-access.js';

let certificates: TlsCertificates;
let cluster: RedisCluster;
/** Every setting a managed Cluster asks for: TLS with its CA, an ACL user and its password. */
let env: Record<string, string>;

beforeAll(async () => {
  certificates = await makeTlsCertificates();
  cluster = await startRedisCluster({
    password: 'admin-secret',
    users: [{ name: 'app', password: 'app-secret', rules: APP_RULES }],
    tls: certificates,
  });
  env = {
    REDIS_CLUSTER_NODES: cluster.nodes.join(','),
    REDIS_TLS: 'true',
    REDIS_TLS_CA_FILE: certificates.caFile,
    REDIS_USERNAME: 'app',
    REDIS_PASSWORD: 'app-secret',
  };
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
});
afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
});

describe('a Redis Cluster over TLS with an ACL user', () => {
  it('should count across nodes on every shard', async () => {
    const nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    // Posts 1-6 fall on every one of the three shards.
    for (const postId of [1, 2, 3, 4, 5, 6]) {
      await expectCountsAcrossNodes(
        nodes.map((node) => node.url),
        postId,
      );
    }
  });

  it('should exit 1 with one line when the Cluster refuses the password', async () => {
    await expectRefusedAtStart(
      { ...env, REDIS_PASSWORD: 'wrong' },
      /^vip-presence-server: cannot use Redis: the Redis Cluster of 127\.0\.0\.1:\d+,.* over TLS refused the credentials \(WRONGPASS/,
    );
  });

  it('should answer /readyz 503 naming the shard while one master is down, and 200 once it is back', async () => {
    const node = await startServerProcess(env);
    expect((await fetch(`${node.url}/readyz`)).status).toBe(200);
    const down = cluster.masters[1]!;
    await down.kill();
    try {
      await expect
        .poll(async () => (await fetch(`${node.url}/readyz`)).status, { timeout: 5_000 })
        .toBe(503);
      // The log says which shard, once (the line may follow the 503 by a moment: a child's
      // stdout reaches the test through a pipe).
      await expect
        .poll(() => node.output(), { timeout: 5_000 })
        .toMatch(
          new RegExp(
            `"unreachable":\\["127\\.0\\.0\\.1:${down.port} \\(slots \\d+-\\d+\\)"\\],"msg":"not ready: no answer from 127\\.0\\.0\\.1:${down.port} \\(slots`,
          ),
        );
      expect((await fetch(`${node.url}/readyz`)).status).toBe(503);
      expect(node.output().match(/not ready/g)).toHaveLength(1);
    } finally {
      await down.start(); // the same port and cluster state: it serves its slots again
    }
    await expect
      .poll(async () => (await fetch(`${node.url}/readyz`)).status, { timeout: 15_000 })
      .toBe(200);
  });
});
