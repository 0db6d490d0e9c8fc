import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  startRedisCluster,
  startRedisServer,
  type RedisServer,
} from '@vip-presence/test-kit';
import {
  CountsSubscriber,
  createPubSubConnection,
  createStoreConnection,
  RedisStore,
  type PostCount,
  type PubSubMode,
  type RedisClient,
  type RedisTarget,
} from '@vip-presence/store';
import { closeAllClients, connectClient } from '../../../server/test/helpers/clients.js';
import {
  killAllProcesses,
  runToExit,
  startProcess,
  startServerProcess,
} from '../../../server/test/helpers/processes.js';

const GC_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A lease that expires at once, written as a node that then died would have left it. */
async function leaveExpiredLease(target: RedisTarget, keyPrefix: string, postId: number) {
  const client = createStoreConnection(target);
  await client.connect();
  await new RedisStore(client, { viewWindowMs: 0, keyPrefix }).join(postId, 'gone', 'dead', 1);
  client.disconnect();
}

/** When `visitor` was last seen in the recent set `key`, and how long that set lives on. */
async function lastSeen(target: RedisTarget, key: string, visitor: string) {
  const client = createStoreConnection(target);
  await client.connect();
  try {
    const [seen, ttlMs] = await Promise.all([client.zscore(key, visitor), client.pttl(key)]);
    return { seen: Number(seen), ttlMs };
  } finally {
    client.disconnect();
  }
}

/** Resolves with the first count published for `postId` under `keyPrefix` in `mode`. */
async function listen(target: RedisTarget, mode: PubSubMode, keyPrefix: string, postId: number) {
  const subscriber: RedisClient = createPubSubConnection(target);
  let heard!: (count: PostCount) => void;
  const count = new Promise<PostCount>((resolve) => (heard = resolve));
  const channel = new CountsSubscriber({ subscriber, mode, keyPrefix, onCount: heard });
  await channel.follow(postId);
  return { count, close: () => subscriber.disconnect() };
}

afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
});

describe('the vip-presence-gc executable', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis?.stop());

  it.each([
    ['REDIS_URL', {}, 'REDIS_URL: is required'],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }, 'REDIS_URL: must be a redis://'],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: '127.0.0.1' }, 'REDIS_CLUSTER_NODES:'],
    [
      'REDIS_CLUSTER_NODES',
      { REDIS_URL: 'redis://127.0.0.1:1', REDIS_CLUSTER_NODES: '127.0.0.1:7000' },
      'REDIS_CLUSTER_NODES: set either',
    ],
    ['ADAPTER_MODE', { REDIS_URL: 'redis://127.0.0.1:1', ADAPTER_MODE: 'loud' }, 'ADAPTER_MODE:'],
    ['KEY_PREFIX', { REDIS_URL: 'redis://127.0.0.1:1', KEY_PREFIX: 'a b' }, 'KEY_PREFIX:'],
    [
      'GC_INTERVAL_MS',
      { REDIS_URL: 'redis://127.0.0.1:1', GC_INTERVAL_MS: '5' },
      'GC_INTERVAL_MS:',
    ],
    [
      'GC_UNHEALTHY_AFTER_MS',
      { REDIS_URL: 'redis://127.0.0.1:1', GC_INTERVAL_MS: '1000', GC_UNHEALTHY_AFTER_MS: '1500' },
      'GC_UNHEALTHY_AFTER_MS: must be an integer of at least 2 × GC_INTERVAL_MS',
    ],
    [
      'GC_PORT',
      { REDIS_URL: 'redis://127.0.0.1:1', GC_PORT: '70000' },
      'GC_PORT: must be a port number',
    ],
    [
      'GC_HOST',
      { REDIS_URL: 'redis://127.0.0.1:1', GC_HOST: 'localhost:3002' },
      'GC_HOST: must be an IPv4 or IPv6 address or a hostname',
    ],
    [
      'VIEW_WINDOW_MS',
      { REDIS_URL: 'redis://127.0.0.1:1', VIEW_WINDOW_MS: '30 min' },
      'VIEW_WINDOW_MS: must be a non-negative integer',
    ],
    ['LOG_LEVEL', { REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'chatty' }, 'LOG_LEVEL:'],
  ])('should exit 1 naming %s when it is wrong', async (_variable, env, message) => {
    const { code, output } = await runToExit(GC_CLI, env);
    expect(code).toBe(1);
    expect(output).toContain(`vip-presence-gc: invalid configuration: ${message}`);
  });

  it('should honour REDIS_URL, KEY_PREFIX, ADAPTER_MODE, GC_INTERVAL_MS, VIEW_WINDOW_MS and LOG_LEVEL', async () => {
    const target = { url: redis.url };
    await leaveExpiredLease(target, 'custom', 7);
    // Sharded pub/sub on one Redis: a classic subscriber would never hear it.
    const announced = await listen(target, 'sharded', 'custom', 7);
    const gc = await startProcess(
      GC_CLI,
      {
        REDIS_URL: redis.url,
        KEY_PREFIX: 'custom',
        ADAPTER_MODE: 'sharded',
        GC_INTERVAL_MS: '150',
        GC_PORT: '0',
        VIEW_WINDOW_MS: '600000',
        LOG_LEVEL: 'debug',
      },
      /"viewWindowMs":600000,"intervalMs":150,"keyPrefix":"custom","msg":"sweeping"/,
    );
    try {
      expect(await announced.count).toMatchObject({ postId: 7, count: 0 });
      // The visitor it removed is last seen at its lease's expiry, kept for VIEW_WINDOW_MS.
      const { seen, ttlMs } = await lastSeen(target, 'custom:{p7}:recent', 'gone');
      expect(seen).toBeGreaterThan(Date.now() - 60_000);
      expect(ttlMs).toBeGreaterThan(500_000);
      expect(ttlMs).toBeLessThanOrEqual(600_000);
      // Debug lines ("swept") only at LOG_LEVEL=debug; several of them only at a short interval.
      await expect
        .poll(() => gc.output().match(/"msg":"swept"/g)?.length ?? 0, { timeout: 5_000 })
        .toBeGreaterThanOrEqual(4);
    } finally {
      announced.close();
    }
    expect(await gc.stop()).toBe(0);
  });

  it('should serve /healthz and /metrics on GC_HOST:GC_PORT, and say where', async () => {
    const port = await freePort();
    const gc = await startProcess(
      GC_CLI,
      { REDIS_URL: redis.url, GC_PORT: String(port), GC_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      /"url":"(http:\/\/[^"]+)","msg":"listening"/,
    );
    expect(gc.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`${gc.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${gc.url}/metrics`)).text()).toMatch(
      /^vip_presence_gc_sweeps_total/m,
    );
    expect(await gc.stop()).toBe(0);
  });

  it('should exit 1 naming GC_PORT and GC_HOST when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const { code, output } = await runToExit(GC_CLI, {
        REDIS_URL: redis.url,
        GC_PORT: String(port),
        LOG_LEVEL: 'warn',
      });
      expect({ code, output }).toEqual({
        code: 1,
        output: `vip-presence-gc: cannot listen on 127.0.0.1:${port} (EADDRINUSE): check GC_PORT and GC_HOST\n`,
      });
    } finally {
      taken.close();
    }
  });

  it('should log JSON lines only, at LOG_LEVEL=info no debug lines', async () => {
    const gc = await startProcess(
      GC_CLI,
      { REDIS_URL: redis.url, GC_INTERVAL_MS: '100', GC_PORT: '0', LOG_LEVEL: 'info' },
      /"msg":"sweeping"/,
    );
    expect(await gc.stop()).toBe(0);
    const lines = gc.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(lines.some((line) => line.includes('"msg":"swept"'))).toBe(false);
  });
});

describe('the vip-presence-gc executable on a Redis Cluster', () => {
  it("should reclaim a killed node's sessions and announce the leave to another node's readers (REDIS_CLUSTER_NODES, sharded)", async () => {
    const cluster = await startRedisCluster();
    try {
      const env = { REDIS_CLUSTER_NODES: cluster.nodes.join(',') };
      // The reader's node renews rarely: what its readers see of the dead node comes from the gc.
      const node = await startServerProcess({
        ...env,
        HEARTBEAT_INTERVAL_MS: '60000',
        SESSION_TTL_MS: '120000',
      });
      const doomed = await startServerProcess({
        ...env,
        HEARTBEAT_INTERVAL_MS: '250',
        SESSION_TTL_MS: '750',
      });
      await startProcess(
        GC_CLI,
        { ...env, GC_INTERVAL_MS: '200', GC_PORT: '0', LOG_LEVEL: 'info' },
        /"msg":"sweeping"/,
      );
      const watcher = await connectClient(node.url);
      await watcher.request('presence:watch', { postIds: [7, 8] });
      for (const postId of [7, 8]) {
        const viewer = await connectClient(doomed.url);
        await viewer.request('presence:join', { postId });
        await watcher.waitForCount(postId, (c) => c.count === 1);
      }
      await doomed.crash();
      await Promise.all(
        [7, 8].map((postId) => watcher.waitForCount(postId, (c) => c.count === 0, 2_500)),
      );
    } finally {
      closeAllClients();
      await killAllProcesses();
      await cluster.stop();
    }
  });
});
