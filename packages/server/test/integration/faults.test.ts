import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadNodeBoundMs } from '../../src/index.js';
import { closeAllClients, connectClient, connectError, newVisitorId } from '../helpers/clients.js';
import { killAllProcesses, startServerProcess } from '../helpers/processes.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

// Short liveness so the tests run in seconds; the rules are the same as with the defaults.
const LIVENESS = { HEARTBEAT_INTERVAL_MS: '250', SESSION_TTL_MS: '750' };
const BOUND_MS = deadNodeBoundMs({ heartbeatIntervalMs: 250, sessionTtlMs: 750 });
// Scheduling slack on a shared 2-core machine.
const SLACK_MS = 1_000;

let redis: RedisProcess;

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
  await redis.flush();
});

afterAll(async () => {
  await redis?.stop();
});

describe('faults (no gc running)', () => {
  it('should drop the viewers of a killed node from the counts of readers on another node', async () => {
    const env = { REDIS_URL: redis.url, ...LIVENESS };
    const [doomed, survivor] = await Promise.all([
      startServerProcess(env),
      startServerProcess(env),
    ]);
    const reader = await connectClient(survivor.url);
    await reader.request('presence:join', { postId: 1 });
    const viewers = await Promise.all([connectClient(doomed.url), connectClient(doomed.url)]);
    for (const viewer of viewers) await viewer.request('presence:join', { postId: 1 });
    await reader.waitForCount(1, (c) => c.count === 3);

    await doomed.crash();
    const crashedAt = Date.now();
    await reader.waitForCount(1, (c) => c.count === 1, BOUND_MS + SLACK_MS);
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(BOUND_MS + SLACK_MS);
  });

  it('should never count an expired session, even with no gc and no node renewing the post', async () => {
    const env = { REDIS_URL: redis.url, ...LIVENESS };
    const [doomed, other] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    const viewer = await connectClient(doomed.url);
    expect(await viewer.request('presence:join', { postId: 2 })).toMatchObject({ count: 1 });
    await doomed.crash();
    // Nobody renews, prunes or sweeps post 2 now: its lease stays in Redis, past its expiry.
    const count = async () => {
      const response = await fetch(`${other.privateUrl}/api/v1/counts?postIds=2`);
      return ((await response.json()) as { counts: Record<string, number> }).counts[2];
    };
    expect(await count()).toBe(1);
    await expect.poll(count, { timeout: BOUND_MS + SLACK_MS, interval: 100 }).toBe(0);
    expect(await redis.client.zcard('vp:{p2}:viewers')).toBe(1);
  });

  it("should stop counting a killed node's connections per address within the session TTL", async () => {
    const env = { REDIS_URL: redis.url, ...LIVENESS, MAX_CONNECTIONS_PER_IP: '3' };
    const [doomed, survivor] = await Promise.all([
      startServerProcess(env),
      startServerProcess(env),
    ]);
    // One client machine of its own (a loopback address), its 3 connections on the doomed node.
    const from = { localAddress: '127.0.0.5' };
    for (let i = 0; i < 3; i += 1) await connectClient(doomed.url, from);
    const refusal = () =>
      connectError(survivor.url, { auth: { visitorId: newVisitorId() }, ...from });
    expect((await refusal()).data?.code).toBe('too_many_connections');

    await doomed.crash();
    const crashedAt = Date.now();
    // Nobody releases them: they stop counting when the dead node's entry expires.
    await expect
      .poll(
        async () => {
          const client = await connectClient(survivor.url, from).catch(() => undefined);
          client?.close();
          return client !== undefined;
        },
        { timeout: 750 + SLACK_MS, interval: 100 },
      )
      .toBe(true);
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(750 + SLACK_MS);
  });

  it('should take the viewers of a node stopped with SIGTERM out at once', async () => {
    const env = { REDIS_URL: redis.url, HEARTBEAT_INTERVAL_MS: '5000', SESSION_TTL_MS: '60000' };
    const [leaving, staying] = await Promise.all([
      startServerProcess(env),
      startServerProcess(env),
    ]);
    const reader = await connectClient(staying.url);
    await reader.request('presence:join', { postId: 3 });
    const viewer = await connectClient(leaving.url);
    await viewer.request('presence:join', { postId: 3 });
    await reader.waitForCount(3, (c) => c.count === 2);
    expect(await leaving.stop()).toBe(0);
    // The lease would last a minute: only the graceful shutdown can explain a prompt leave.
    await reader.waitForCount(3, (c) => c.count === 1, 2_000);
  });
});
