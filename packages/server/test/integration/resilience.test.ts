import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, connectError, newVisitorId } from '../helpers/clients.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { killAllProcesses, startServerProcess } from '../helpers/processes.js';

let redis: RedisProcess;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
});
afterAll(() => redis?.stop());

describe('a client whose network vanishes', () => {
  it('should leave within the ping window although no close ever arrives', async () => {
    const server = createPresenceServer({
      redisUrl: redis.url,
      pingIntervalMs: 200,
      pingTimeoutMs: 300,
    });
    const { port } = await server.listen();
    const proxy = await startTcpProxy(port);
    try {
      const reader = await connectClient(server.url);
      await reader.request('presence:join', { postId: 1 });
      const ghost = await connectClient(proxy.url);
      await ghost.request('presence:join', { postId: 1 });
      await reader.waitForCount(1, (c) => c.count === 2);
      proxy.cut();
      await reader.waitForCount(1, (c) => c.count === 1, 200 + 300 + 1_500);
    } finally {
      closeAllClients();
      await proxy.close();
      await server.close();
    }
  });
});

describe('abuse', () => {
  let server: PresenceServer;

  beforeAll(async () => {
    server = createPresenceServer({
      redisUrl: redis.url,
      eventsPerSecond: 1_000,
      eventBurst: 1_000,
      maxConnectionsPerIp: 3,
      trustProxy: true,
    });
    await server.listen();
  });

  afterAll(() => server?.close());

  it('should survive thousands of random and malformed packets without writing a key', async () => {
    await redis.flush();
    const events = [
      'presence:join',
      'presence:leave',
      'presence:watch',
      'presence:unwatch',
      'junk',
      '',
      'constructor',
      '__proto__',
    ];
    const values: (() => unknown)[] = [
      () => null,
      () => undefined,
      () => Math.random() * 1e20 - 1e10,
      () => -1,
      () => randomBytes(8).toString('hex'),
      () => ({ postId: Math.random() < 0.5 ? -Math.floor(Math.random() * 1e6) : 0.5 }),
      () => ({ postId: '1', token: {} }),
      () => ({ postIds: Array.from({ length: 300 }, () => Math.random()) }),
      () => ({ postIds: [null, {}, []] }),
      () => ({ __proto__: { postId: 1 } }),
      () => [[[[[]]]]],
      () => randomBytes(64),
      () => ({ postId: 1, token: 'v1.1.1.' + 'A'.repeat(43) }),
    ];
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;
    // Raw engine.io/socket.io frames: bad types, bad JSON, bad namespaces, binary placeholders.
    const frames = [
      '4',
      '42',
      '42[',
      '42["presence:join"',
      '42{"a":1}',
      '43',
      '41/nope,',
      '45-["x",{"_placeholder":true,"num":9}]',
      '4999999',
      '2probe',
      '6',
      '42[null]',
      '42["presence:join",{"postId":1e309}]',
    ];

    const fuzzers = await Promise.all([1, 2, 3].map(() => connectClient(server.url)));
    for (let i = 0; i < 3_000; i += 1) {
      const fuzzer = fuzzers[i % fuzzers.length]!;
      if (!fuzzer.socket.connected) continue;
      if (i % 5 === 0) {
        (fuzzer.socket.io.engine as unknown as { write(data: string): void }).write(pick(frames));
      } else {
        fuzzer.socket.emit(pick(events), pick(values)(), () => undefined);
      }
    }
    // Each fuzzer either was disconnected (a malformed frame) or answers a round trip: either
    // way, everything it sent before has been handled.
    await Promise.all(
      fuzzers.map(
        (fuzzer) =>
          new Promise<void>((resolve) => {
            if (!fuzzer.socket.connected) return resolve();
            fuzzer.socket.once('disconnect', () => resolve());
            fuzzer.socket.timeout(5_000).emit('presence:leave', { postId: 1 }, () => resolve());
          }),
      ),
    );
    // Every refused input wrote nothing; the server still serves a good visitor.
    const probe = await connectClient(server.url);
    expect(await probe.request('presence:watch', { postIds: [424242] })).toEqual({
      ok: true,
      counts: { 424242: 0 },
    });
    const keys = await redis.client.keys('*');
    expect(keys.filter((key) => !key.includes('{p424242}'))).toEqual([]);
    const good = await connectClient(server.url);
    expect(await good.request('presence:join', { postId: 5 })).toMatchObject({
      ok: true,
      count: 1,
    });
  });

  it('should cap connections per address behind a trusted proxy by X-Forwarded-For', async () => {
    const from = (ip: string) => ({ extraHeaders: { 'x-forwarded-for': `${ip}, 10.0.0.1` } });
    for (let i = 0; i < 3; i += 1) await connectClient(server.url, from('203.0.113.7'));
    const refused = await connectError(server.url, {
      auth: { visitorId: newVisitorId() },
      ...from('203.0.113.7'),
    });
    expect(refused.data?.code).toBe('too_many_connections');
    // Another address behind the same proxy is not affected.
    await connectClient(server.url, from('203.0.113.8'));
  });
});

describe('Redis unreachable for a while', () => {
  it('should stay up, refuse joins with unavailable, and be right again when Redis is back', async () => {
    const server = createPresenceServer({
      redisUrl: redis.url,
      heartbeatIntervalMs: 200,
      sessionTtlMs: 1_000,
    });
    await server.listen();
    try {
      const viewer = await connectClient(server.url);
      await viewer.request('presence:join', { postId: 30 });
      await redis.down();
      const newcomer = await connectClient(server.url);
      await expect
        .poll(
          async () =>
            (
              (await newcomer.request('presence:join', { postId: 30 })) as {
                error?: { code: string };
              }
            ).error?.code,
          { timeout: 5_000 },
        )
        .toBe('unavailable');
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      expect(viewer.socket.connected).toBe(true);
      await redis.up();
      // Redis came back empty; the node re-asserts its viewer and takes the newcomer again.
      await expect
        .poll(async () => (await fetch(`${server.url}/readyz`)).status, { timeout: 10_000 })
        .toBe(200);
      expect(await newcomer.request('presence:join', { postId: 30 })).toMatchObject({
        ok: true,
        count: 2,
      });
    } finally {
      closeAllClients();
      await server.close();
    }
  });
});

describe('Redis unreachable for 20 seconds', () => {
  it('should stay up without an error storm or unbounded memory, and be right within 30 s after', async () => {
    const node = await startServerProcess({
      REDIS_URL: redis.url,
      LOG_LEVEL: 'info',
      HEARTBEAT_INTERVAL_MS: '1000',
      SESSION_TTL_MS: '3000',
    });
    const viewers = await Promise.all([connectClient(node.url), connectClient(node.url)]);
    for (const viewer of viewers) await viewer.request('presence:join', { postId: 40 });
    const rssBefore = await rssOf(node.child.pid!);

    await redis.down();
    const outageEnds = Date.now() + 20_000;
    const prober = await connectClient(node.url);
    let refusals = 0;
    // A reader who keeps trying during the outage, a bounded number of times.
    for (let i = 0; i < 100 && Date.now() < outageEnds; i += 1) {
      const ack = await prober.request<{ ok: boolean; error?: { code: string } }>(
        'presence:watch',
        { postIds: [40] },
      );
      if (ack.error?.code === 'unavailable') refusals += 1;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(refusals).toBeGreaterThan(10);
    expect((await fetch(`${node.url}/readyz`)).status).toBe(503);
    expect(viewers.every((viewer) => viewer.socket.connected)).toBe(true);
    const rssDuring = await rssOf(node.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));

    await redis.up();
    const back = Date.now();
    await expect
      .poll(
        async () =>
          ((
            await prober.request<{ counts?: Record<string, number> }>('presence:watch', {
              postIds: [40],
            })
          ).counts ?? {})[40],
        {
          timeout: 30_000,
          interval: 250,
        },
      )
      .toBe(2);
    expect(Date.now() - back).toBeLessThan(30_000);
    // One line when the store goes away and one when it is back, not one per failure.
    const storeLines = node
      .output()
      .split('\n')
      .filter((line) => line.includes('store unavailable') || line.includes('store available'));
    expect(storeLines.length).toBeLessThanOrEqual(4);
    expect(rssDuring - rssBefore).toBeLessThan(64 * 1024 * 1024);
  }, 90_000);
});

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}
