import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SeriesBody } from '../../src/http-api.js';
import { closeAllClients, connectClient, type TestClient } from '../helpers/clients.js';
import { killAllProcesses, startServerProcess, type NodeProcess } from '../helpers/processes.js';
import { startRedis, type RedisProcess } from '../helpers/redis.js';

// Short liveness and half-second buckets, through the executable's own settings: the rules are
// the ones of the defaults (a bucket is at least two heartbeats).
const HEARTBEAT_MS = 250;
const SESSION_TTL_MS = 750;
const BUCKET_MS = 500;
const SETTINGS = {
  HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
  SESSION_TTL_MS: String(SESSION_TTL_MS),
  SERIES_BUCKET_MS: String(BUCKET_MS),
};
/** Buckets read: 10 s of history. */
const BUCKETS = 20;
// Scheduling slack on a shared 2-core machine.
const SLACK_MS = 1_500;

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

/** A post's series from a node's read API. */
async function seriesOf(node: NodeProcess, postId: number): Promise<SeriesBody> {
  const url = `${node.privateUrl}/api/v1/counts?postIds=${postId}&series=${BUCKETS}`;
  const body = (await (await fetch(url)).json()) as {
    stats: Record<string, { series: SeriesBody }>;
  };
  return body.stats[postId]!.series;
}

/**
 * The last finished bucket's max and mean (the current one may not have a renewal yet): what
 * the heartbeat recorded, not the live count a read fills in.
 */
const lastFinished = async (node: NodeProcess, postId: number) => {
  const { max, mean } = await seriesOf(node, postId);
  return { max: max.at(-2), mean: mean.at(-2) };
};

async function join(node: NodeProcess, postId: number, viewers: number): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  for (let i = 0; i < viewers; i += 1) {
    const client = await connectClient(node.url);
    await client.request('presence:join', { postId });
    clients.push(client);
  }
  return clients;
}

describe('readers over time (no gc running)', () => {
  it("should record the post's readers over every node per bucket, once, and fall to 0 when they leave", async () => {
    const env = { REDIS_URL: redis.url, ...SETTINGS };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    const viewers = [...(await join(a, 1, 2)), ...(await join(b, 1, 1))];
    // Both nodes renew post 1 every heartbeat: a finished bucket holds its 3 readers, not 2 + 1
    // nor 3 + 3, and its mean is 3 (every sample saw all three).
    await expect
      .poll(() => lastFinished(a, 1), { timeout: 2 * BUCKET_MS + SLACK_MS, interval: 100 })
      .toEqual({ max: 3, mean: 3 });
    const during = await seriesOf(b, 1);
    expect(Math.max(...during.max.map((max) => max ?? 0))).toBe(3);
    expect(during.bucketMs).toBe(BUCKET_MS);
    // Before its first reader the post's history is unknown, not 0.
    expect(during.max[0]).toBeNull();

    viewers[0]!.close();
    await expect
      .poll(() => lastFinished(b, 1), { timeout: 2 * BUCKET_MS + SLACK_MS, interval: 100 })
      .toEqual({ max: 2, mean: 2 });
    for (const viewer of viewers.slice(1)) viewer.close();
    // Nobody renews the post any more: the line goes down to 0 and stays, it does not stop.
    await expect
      .poll(async () => (await seriesOf(a, 1)).max.slice(-3), {
        timeout: 3 * BUCKET_MS + SLACK_MS,
        interval: 100,
      })
      .toEqual([0, 0, 0]);
    const after = await seriesOf(a, 1);
    expect(after.max).toContain(3);
    expect(after.max).toContain(2);
  });

  it("should take a killed node's readers out of the series within the session TTL", async () => {
    const env = { REDIS_URL: redis.url, ...SETTINGS };
    const [doomed, survivor] = await Promise.all([
      startServerProcess(env),
      startServerProcess(env),
    ]);
    await join(doomed, 2, 2);
    await join(survivor, 2, 1);
    await expect
      .poll(() => lastFinished(survivor, 2), { timeout: 2 * BUCKET_MS + SLACK_MS, interval: 100 })
      .toEqual({ max: 3, mean: 3 });

    await doomed.crash();
    const crashedAt = Date.now();
    // The survivor's renewals count the dead node's leases until they expire, then not.
    const bound = SESSION_TTL_MS + HEARTBEAT_MS + 2 * BUCKET_MS;
    await expect
      .poll(() => lastFinished(survivor, 2), { timeout: bound + SLACK_MS, interval: 100 })
      .toEqual({ max: 1, mean: 1 });
    expect(Date.now() - crashedAt).toBeLessThanOrEqual(bound + SLACK_MS);
  });

  it('should go on recording after a Redis restart, the lost history unknown', async () => {
    const env = { REDIS_URL: redis.url, ...SETTINGS };
    const node = await startServerProcess(env);
    await join(node, 3, 2);
    await expect
      .poll(() => lastFinished(node, 3), { timeout: 2 * BUCKET_MS + SLACK_MS, interval: 100 })
      .toEqual({ max: 2, mean: 2 });

    const before = await seriesOf(node, 3);
    const recordedBefore = before.from + (BUCKETS - 2) * BUCKET_MS;
    await redis.restart();
    // Reads wait for the node to see Redis again: a read-API request while the store connection
    // is down ends the node (a fault of its own, also without series; reported separately).
    await expect
      .poll(async () => (await fetch(`${node.privateUrl}/readyz`)).status, { timeout: 10_000 })
      .toBe(200);
    // The node re-asserts its readers at its next heartbeat, and the series goes on from there;
    // what was recorded before is gone, and reads as unknown (null), never as 0.
    await expect
      .poll(
        async () => {
          const { from, max } = await seriesOf(node, 3);
          const first = from + max.findIndex((m) => m !== null) * BUCKET_MS;
          return { lost: first > recordedBefore, recent: max.at(-2) };
        },
        { timeout: 10_000, interval: 100 },
      )
      .toEqual({ lost: true, recent: 2 });
  });
});
