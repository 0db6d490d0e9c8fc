import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTlsCertificates,
  startRedisCluster,
  startRedisSentinel,
  startRedisServer,
  waitFor,
  type RedisCluster,
  type RedisServer,
  type TlsCertificates,
} from '@vip-presence/test-kit';
import {
  checkRedisReadiness,
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  probeRedis,
  publishCounts,
  RedisStore,
  type PostCount,
  type PubSubMode,
  type RedisClient,
  type RedisTarget,
} from '../../src/index.js';

/** The ACL rules docs/deployment.md gives the user of vip-presence (KEY_PREFIX "vp"). */
const APP_RULES = ['~vp*', '&*', '+@all', '-@dangerous', '+info'];

const clients: RedisClient[] = [];
const connect = async (client: RedisClient) => {
  clients.push(client);
  client.on('error', () => undefined);
  if (client.status === 'wait') await client.connect();
  return client;
};
afterAll(() => clients.forEach((client) => client.disconnect()));

/** Joins a post through the store on `target`, and hears the count on the counts channel. */
async function joinAndHear(target: RedisTarget, mode: PubSubMode, postId: number) {
  const client = await connect(createStoreConnection(target));
  const subscriber = await connect(createPubSubConnection(target));
  let hear!: (count: PostCount) => void;
  const heard = new Promise<PostCount>((resolve) => (hear = resolve));
  // Subscribed before the join publishes.
  await new CountsSubscriber({ subscriber, mode, onCount: (count) => hear(count) }).follow(postId);
  const store = new RedisStore(client, { viewWindowMs: 60_000 });
  const joined = await store.join(postId, 'visitor', 'node', 15_000);
  await publishCounts(client, mode, 'vp', [joined]);
  return { joined, heard: await heard };
}

let certificates: TlsCertificates;
let otherCa: TlsCertificates;
beforeAll(async () => {
  certificates = await makeTlsCertificates();
  otherCa = await makeTlsCertificates();
});
afterAll(() => {
  for (const made of [certificates, otherCa]) rmSync(made.dir, { recursive: true, force: true });
});

describe('one Redis with a password and an ACL user', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer({
      password: 'default-secret',
      users: [{ name: 'app', password: 'app-secret', rules: APP_RULES }],
    });
  });
  afterAll(() => redis?.kill());

  it('should join and publish as the ACL user, given apart or in the URL', async () => {
    const apart = { url: redis.url, username: 'app', password: 'app-secret' };
    expect(await joinAndHear(apart, 'classic', 1)).toMatchObject({
      joined: { postId: 1, count: 1 },
      heard: { postId: 1, count: 1 },
    });
    const inUrl = { url: `redis://app:app-secret@127.0.0.1:${redis.port}` };
    expect((await joinAndHear(inUrl, 'classic', 2)).heard).toMatchObject({ count: 1 });
    expect(await probeRedis({ url: `redis://:default-secret@127.0.0.1:${redis.port}` })).toEqual({
      ok: true,
    });
  });

  it('should call a wrong or missing password a refusal of the credentials, naming the variables', async () => {
    for (const target of [
      { url: redis.url, username: 'app', password: 'wrong' },
      { url: redis.url, password: 'wrong' },
      { url: redis.url },
    ]) {
      const probe = await probeRedis(target);
      expect(probe).toMatchObject({ ok: false, reason: 'credentials' });
      expect(!probe.ok && probe.message).toMatch(
        new RegExp(
          `^redis://127\\.0\\.0\\.1:${redis.port} refused the credentials \\((WRONGPASS|NOAUTH).*REDIS_USERNAME and REDIS_PASSWORD`,
        ),
      );
    }
  });

  it('should call a port where nothing listens unreachable, not a refusal', async () => {
    const probe = await probeRedis({ url: `redis://127.0.0.1:${await freePort()}` });
    expect(probe).toMatchObject({ ok: false, reason: 'unreachable' });
  });
});

describe('one Redis over TLS', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer({ tls: certificates, password: 'tls-secret' });
  });
  afterAll(() => redis?.kill());

  it('should connect with the CA that signed its certificate, on rediss:// or with tls set', async () => {
    const access = { password: 'tls-secret', tls: { ca: certificates.ca } };
    expect(redis.url).toMatch(/^rediss:/);
    expect((await joinAndHear({ url: redis.url, ...access }, 'classic', 3)).heard).toMatchObject({
      count: 1,
    });
    const plainScheme = { url: `redis://127.0.0.1:${redis.port}`, ...access };
    expect(await probeRedis(plainScheme)).toEqual({ ok: true });
  });

  it('should call another CA or a name the certificate lacks a TLS failure, naming the variables', async () => {
    for (const tls of [
      { ca: otherCa.ca },
      { ca: certificates.ca, servername: 'redis.example' },
      {},
    ]) {
      const probe = await probeRedis({ url: redis.url, password: 'tls-secret', tls });
      expect(probe, JSON.stringify(tls)).toMatchObject({ ok: false, reason: 'tls' });
      expect(!probe.ok && probe.message).toMatch(
        /^TLS to rediss:\/\/127\.0\.0\.1:\d+ failed \(.+\): check REDIS_TLS .*REDIS_TLS_CA_FILE .*REDIS_TLS_SERVERNAME/,
      );
    }
  });

  it('should say that TLS is on when a plain port never answers the handshake', async () => {
    const plain = await startRedisServer();
    try {
      const probe = await probeRedis(
        { url: plain.url, tls: { ca: certificates.ca } },
        { timeoutMs: 1_000 },
      );
      expect(probe).toMatchObject({ ok: false, reason: 'unreachable' });
      expect(!probe.ok && probe.message).toContain(
        'TLS is on (REDIS_TLS): does that port speak TLS?',
      );
    } finally {
      await plain.kill();
    }
  });
});

describe('a Redis Cluster over TLS with a password', () => {
  let cluster: RedisCluster;
  let target: RedisTarget;
  beforeAll(async () => {
    cluster = await startRedisCluster({
      password: 'cluster-secret',
      users: [{ name: 'app', password: 'app-secret', rules: APP_RULES }],
      tls: certificates,
    });
    target = {
      nodes: cluster.nodes,
      username: 'app',
      password: 'app-secret',
      tls: { ca: certificates.ca },
    };
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('should join and publish on the shard of each post, over TLS as the ACL user', async () => {
    for (const postId of [4, 5, 6]) {
      expect((await joinAndHear(target, 'sharded', postId)).heard).toMatchObject({
        postId,
        count: 1,
      });
    }
    expect(await probeRedis(target)).toEqual({ ok: true });
    expect(await probeRedis({ ...target, password: 'wrong' })).toMatchObject({
      reason: 'credentials',
    });
  });

  it('should be unready naming the shard while one master is down, and ready once it is back', async () => {
    const client = await connect(createStoreConnection(target));
    expect(await checkRedisReadiness(client)).toEqual({ ready: true, unreachable: [] });
    const [, down] = cluster.masters;
    await down!.kill();
    const unready = await checkRedisReadiness(client, { timeoutMs: 1_000 });
    expect(unready.ready).toBe(false);
    expect(unready.unreachable).toEqual([
      expect.stringMatching(new RegExp(`^127\\.0\\.0\\.1:${down!.port} \\(slots \\d+-\\d+\\)$`)),
    ]);
    // Asked again, it says the same (a master that left the client's pool is still named).
    expect(await checkRedisReadiness(client, { timeoutMs: 1_000 })).toEqual(unready);
    await down!.start(); // the same port and cluster state: it serves its slots again
    await waitFor(async () => (await checkRedisReadiness(client, { timeoutMs: 1_000 })).ready, {
      what: 'readiness once the master is back',
      timeoutMs: 15_000,
    });
  });
});

describe('a Redis Cluster over TLS whose nodes are known by name', () => {
  it('should verify each node against the name it announces, the seeds connected by name', async () => {
    // A certificate without addresses, nodes that announce a hostname: as managed clusters.
    const named = await makeTlsCertificates({ names: ['DNS:localhost'] });
    const cluster = await startRedisCluster({
      tls: named,
      args: [
        '--cluster-announce-hostname',
        'localhost',
        '--cluster-preferred-endpoint-type',
        'hostname',
      ],
    });
    try {
      const target = {
        nodes: cluster.masters.map((master) => `localhost:${master.port}`),
        tls: { ca: named.ca },
      };
      for (const postId of [11, 12, 13]) {
        expect((await joinAndHear(target, 'sharded', postId)).heard).toMatchObject({ count: 1 });
      }
    } finally {
      await cluster.stop();
      rmSync(named.dir, { recursive: true, force: true });
    }
  });
});

describe('the master behind Sentinel', () => {
  it('should connect through the sentinels with their password, and call a wrong one a refusal', async () => {
    const group = await startRedisSentinel({
      sentinels: 1,
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
    try {
      const target = {
        sentinels: group.sentinels,
        masterName: group.masterName,
        sentinelPassword: 'sentinel-secret',
        password: 'data-secret',
      };
      expect((await joinAndHear(target, 'classic', 7)).heard).toMatchObject({ count: 1 });
      expect(await probeRedis(target)).toEqual({ ok: true });
      const wrongSentinel = await probeRedis({ ...target, sentinelPassword: 'wrong' });
      expect(wrongSentinel).toMatchObject({ ok: false, reason: 'credentials' });
      expect(!wrongSentinel.ok && wrongSentinel.message).toContain('REDIS_SENTINEL_PASSWORD');
      expect(await probeRedis({ ...target, password: 'wrong' })).toMatchObject({
        reason: 'credentials',
      });
    } finally {
      await group.stop();
    }
  });
});
