/**
 * SIGTERM on a real vip-presence-server process: the drain (DRAIN_SECONDS) while a load balancer
 * takes the node out, then the close, seen from a reader on another node.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllClients, connectClient } from '../helpers/clients.js';
import { killAllProcesses, startServerProcess, type NodeProcess } from '../helpers/processes.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

const POST = 42;
/** Leases that outlive every test: a reader gone from a count left it, it did not expire. */
const LONG_LEASES = { HEARTBEAT_INTERVAL_MS: '20000', SESSION_TTL_MS: '60000' };

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
  await redis.flush();
});
afterAll(() => redis?.stop());

/** A node whose drain this test watches (its "draining" line is at level info). */
const drainingNode = (drainSeconds: number) =>
  startServerProcess({
    REDIS_URL: redis.url,
    ...LONG_LEASES,
    DRAIN_SECONDS: String(drainSeconds),
    LOG_LEVEL: 'info',
  });

/** Resolves once the node has logged that it drains (it handled the SIGTERM). */
const draining = (node: NodeProcess) => node.waitForOutput(/"msg":"draining"/);

const status = async (url: string) => (await fetch(url)).status;

describe('draining on SIGTERM', () => {
  it("should answer /readyz 503 for DRAIN_SECONDS while serving readers and joins, then exit 0 and take its readers out of another node's counts at once", async () => {
    const [node, other] = await Promise.all([
      drainingNode(3),
      startServerProcess({ REDIS_URL: redis.url, ...LONG_LEASES }),
    ]);
    const watcher = await connectClient(other.url);
    await watcher.request('presence:watch', { postIds: [POST] });
    const reader = await connectClient(node.url);
    expect(await reader.request('presence:join', { postId: POST })).toMatchObject({ count: 1 });
    await watcher.waitForCount(POST, (c) => c.count === 1);

    const signalled = Date.now();
    node.child.kill('SIGTERM');
    await draining(node);
    // Unready at once, on both ports; alive.
    expect(await status(`${node.url}/readyz`)).toBe(503);
    expect(await status(`${node.privateUrl}/readyz`)).toBe(503);
    expect(await status(`${node.url}/healthz`)).toBe(200);
    // A reader that arrives now (the balancer has not noticed yet) connects and is counted; the
    // node's reader and the other node's watcher hear of it.
    const late = await connectClient(node.url);
    expect(await late.request('presence:join', { postId: POST })).toMatchObject({
      ok: true,
      count: 2,
    });
    await reader.waitForCount(POST, (c) => c.count === 2);
    await watcher.waitForCount(POST, (c) => c.count === 2);
    expect(await status(`${other.url}/readyz`)).toBe(200);

    const { code } = await node.exited;
    const exitedAt = Date.now();
    expect(code).toBe(0);
    expect(exitedAt - signalled).toBeGreaterThanOrEqual(3_000);
    // Both readers left with the close, not 60 s later with their leases.
    const gone = await watcher.waitForCount(POST, (c) => c.count === 0, 5_000);
    expect(gone.count).toBe(0);
    expect(Date.now() - exitedAt).toBeLessThan(2_000);
    expect(node.output()).toMatch(/"drainedSeconds":3,"msg":"shutting down"/);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'should skip the rest of the drain on a %s during it, and close at once',
    async (second) => {
      const node = await drainingNode(600);
      const reader = await connectClient(node.url);
      await reader.request('presence:join', { postId: POST });
      node.child.kill('SIGTERM');
      await draining(node);
      expect(await status(`${node.url}/readyz`)).toBe(503);
      const cut = Date.now();
      node.child.kill(second);
      expect((await node.exited).code).toBe(0);
      expect(Date.now() - cut).toBeLessThan(5_000);
      expect(node.output()).toMatch(new RegExp(`"signal":"${second}","msg":"drain cut short"`));
    },
  );

  it('should close at once on SIGINT, with no drain', async () => {
    const node = await drainingNode(600);
    const signalled = Date.now();
    node.child.kill('SIGINT');
    expect((await node.exited).code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(node.output()).not.toMatch(/"msg":"draining"/);
  });
});
