import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTlsCertificates,
  startRedisSentinel,
  waitFor,
  type RedisSentinelGroup,
} from '@vip-presence/test-kit';
import { closeAllClients, connectClient, type TestClient } from '../helpers/clients.js';
import { killAllProcesses, startServerProcess } from '../helpers/processes.js';
import {
  APP_RULES,
  expectCountsAcrossNodes,
  expectRefusedAtStart,
} from '../helpers/redis-access.js';

let group: RedisSentinelGroup;
/** The master of `group` through its sentinels, with both passwords. */
let env: Record<string, string>;

beforeAll(async () => {
  group = await startRedisSentinel({
    password: 'data-secret',
    sentinelPassword: 'sentinel-secret',
    // A failover whose election splits is tried again after twice this: 8 s, not 20 s.
    failoverTimeoutMs: 4_000,
  });
  env = {
    // A sentinel that is gone first: the nodes ask the next.
    REDIS_SENTINELS: [`127.0.0.1:${await freePort()}`, ...group.sentinels].join(','),
    REDIS_SENTINEL_MASTER: group.masterName,
    REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    REDIS_PASSWORD: 'data-secret',
  };
}, 60_000);
afterAll(() => group?.stop());
afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
});

/** Joins until the join is acknowledged (joins get `unavailable` while there is no master). */
async function joinWhenAvailable(viewer: TestClient, postId: number, timeoutMs: number) {
  return waitFor(
    async () => {
      const ack = await viewer.request<{ ok: boolean; count?: number }>('presence:join', {
        postId,
      });
      return ack.ok ? ack : undefined;
    },
    { what: `a join of post ${postId} acknowledged`, timeoutMs, intervalMs: 250 },
  );
}

describe('Redis through Sentinel', () => {
  it('should exit 1 with one line when the sentinels refuse their password', async () => {
    await expectRefusedAtStart(
      { ...env, REDIS_SENTINEL_PASSWORD: 'wrong' },
      /^vip-presence-server: cannot use Redis: the master "vp-master" of the sentinels .* refused the credentials \(.*\): check .*REDIS_SENTINEL_PASSWORD/,
    );
  });

  it('should count right again within 30 s after the master is killed and a replica promoted', async () => {
    const nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    await expectCountsAcrossNodes(
      nodes.map((node) => node.url),
      8,
    );
    const [near, far] = nodes.map((node) => node.url);
    const reader = await connectClient(far!);
    await reader.request('presence:watch', { postIds: [9] });
    const before = await connectClient(near!);
    expect(await before.request('presence:join', { postId: 9 })).toMatchObject({ count: 1 });
    await reader.waitForCount(9, (c) => c.count === 1);

    const killed = Date.now();
    await group.master.kill();
    // A reader who joins after the failover, on the node the first reader is on.
    const after = await connectClient(far!);
    const ack = await joinWhenAvailable(after, 9, 30_000);
    // Both viewers: the first one's lease was kept (replicated, or re-asserted by its node).
    expect(ack).toMatchObject({ ok: true, count: 2 });
    await reader.waitForCount(9, (c) => c.count === 2, Math.max(1, 30_000 - (Date.now() - killed)));
    expect(Date.now() - killed).toBeLessThan(30_000);
    expect(await group.masterAddress()).toBe(`127.0.0.1:${group.replica.port}`);
    // Both nodes ready on the new master, a leave reaches the other node's reader through it.
    for (const url of [near, far]) {
      await expect
        .poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 10_000 })
        .toBe(200);
    }
    before.close();
    await reader.waitForCount(9, (c) => c.count === 1);
    // The bound is the 30 s asserted above, and the readiness after: not the default test timeout.
  }, 60_000);
});

describe('Redis through Sentinel over TLS, with an ACL user', () => {
  it('should count across nodes, the sentinels and the master reached over TLS', async () => {
    const certificates = await makeTlsCertificates();
    const secure = await startRedisSentinel({
      sentinels: 1,
      password: 'admin-secret',
      users: [{ name: 'app', password: 'app-secret', rules: APP_RULES }],
      tls: certificates,
    });
    try {
      const tlsEnv = {
        REDIS_SENTINELS: secure.sentinels.join(','),
        REDIS_SENTINEL_MASTER: secure.masterName,
        REDIS_USERNAME: 'app',
        REDIS_PASSWORD: 'app-secret',
        REDIS_TLS: 'true',
        REDIS_TLS_CA_FILE: certificates.caFile,
      };
      const nodes = await Promise.all([startServerProcess(tlsEnv), startServerProcess(tlsEnv)]);
      await expectCountsAcrossNodes(
        nodes.map((node) => node.url),
        10,
      );
    } finally {
      closeAllClients();
      await killAllProcesses();
      await secure.stop();
      rmSync(certificates.dir, { recursive: true, force: true });
    }
  });
});
