import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterInfo,
  makeTlsCertificates,
  redisCli,
  startRedisCluster,
  startRedisSentinel,
  startRedisServer,
  waitFor,
  type RedisServer,
  type TlsCertificates,
} from '../src/index.js';

let certificates: TlsCertificates;
beforeAll(async () => {
  certificates = await makeTlsCertificates();
});
afterAll(() => rmSync(certificates.dir, { recursive: true, force: true }));

const started: RedisServer[] = [];
afterAll(async () => {
  await Promise.all(started.map((redis) => redis.kill()));
});

describe('startRedisServer with a password, ACL users and TLS', () => {
  it('should ask for the password, and let an ACL user in with its own but not with a wrong one', async () => {
    const redis = await startRedisServer({
      password: 'default-secret',
      users: [{ name: 'app', password: 'app-secret', rules: ['~vp*', '&vp*', '+@all'] }],
    });
    started.push(redis);
    expect(redis.access).toEqual({ password: 'default-secret' });
    expect(await redisCli(redis.port, ['ping'])).toMatch(/NOAUTH/);
    expect((await redisCli(redis.port, ['ping'], { access: redis.access })).trim()).toBe('PONG');
    const app = { user: 'app', password: 'app-secret' };
    expect((await redisCli(redis.port, ['set', 'vp:a', '1'], { access: app })).trim()).toBe('OK');
    expect(await redisCli(redis.port, ['set', 'other', '1'], { access: app })).toMatch(/NOPERM/);
    expect(await redisCli(redis.port, ['ping'], { access: { ...app, password: 'wrong' } })).toMatch(
      /WRONGPASS/,
    );
  });

  it('should speak TLS only, with a certificate that the CA it was made with verifies', async () => {
    const redis = await startRedisServer({ tls: certificates });
    started.push(redis);
    expect(redis.url).toBe(`rediss://127.0.0.1:${redis.port}`);
    const tls = { tls: { caFile: certificates.caFile } };
    expect((await redisCli(redis.port, ['ping'], { access: tls })).trim()).toBe('PONG');
    // Another CA does not verify its certificate; plain TCP gets no answer.
    const other = await makeTlsCertificates();
    try {
      await expect(
        redisCli(redis.port, ['ping'], { access: { tls: { caFile: other.caFile } } }),
      ).rejects.toThrow(/certificate/i);
    } finally {
      rmSync(other.dir, { recursive: true, force: true });
    }
    await expect(redisCli(redis.port, ['ping'], { timeoutMs: 2_000 })).rejects.toThrow();
  });
});

describe('startRedisCluster with a password and TLS', () => {
  it('should serve every slot over TLS to a client with the password and the CA', async () => {
    const cluster = await startRedisCluster({ password: 'cluster-secret', tls: certificates });
    try {
      expect(cluster.access).toEqual({
        password: 'cluster-secret',
        tls: { caFile: certificates.caFile },
      });
      const port = cluster.masters[0]!.port;
      expect(await clusterInfo(port, cluster.access)).toMatchObject({
        cluster_state: 'ok',
        cluster_slots_assigned: '16384',
      });
      for (const key of ['a', 'b', 'c']) {
        await redisCli(port, ['-c', 'set', key, key], { access: cluster.access });
      }
      expect(await redisCli(port, ['-c', 'get', 'b'], { access: cluster.access })).toBe('b\n');
    } finally {
      await cluster.stop();
    }
  });
});

describe('startRedisSentinel', () => {
  it('should have its sentinels promote the replica when the master is killed', async () => {
    const group = await startRedisSentinel({
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
    try {
      expect(group.sentinels).toHaveLength(3);
      expect(await group.masterAddress()).toBe(`127.0.0.1:${group.master.port}`);
      await group.master.kill();
      await waitFor(
        async () => (await group.masterAddress()) === `127.0.0.1:${group.replica.port}`,
        { what: 'the sentinels to promote the replica', timeoutMs: 20_000 },
      );
      const role = await redisCli(group.replica.port, ['role'], { access: group.access });
      expect(role.split('\n')[0]).toBe('master');
    } finally {
      await group.stop();
    }
  });
});
