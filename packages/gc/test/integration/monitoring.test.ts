/**
 * The gc is watched: /healthz and /metrics of the real executable, against a real redis-server,
 * with real server nodes (the server's executable, as gc.test.ts runs them) killed with SIGKILL,
 * and a Redis that stops answering (SIGSTOP) or is not there yet.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startRedisServer, type RedisServer } from '@vip-presence/test-kit';
import {
  closeAllClients,
  connectClient,
  newVisitorId,
} from '../../../server/test/helpers/clients.js';
import {
  killAllProcesses,
  startProcess,
  startServerProcess,
  type NodeProcess,
} from '../../../server/test/helpers/processes.js';

const GC_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
/** Nodes whose leases outlive the test: what their readers see of a dead node comes from the gc. */
const LONG_LEASES = { HEARTBEAT_INTERVAL_MS: '60000', SESSION_TTL_MS: '120000' };
const SHORT_LEASES = { HEARTBEAT_INTERVAL_MS: '250', SESSION_TTL_MS: '750' };

const redisServers: RedisServer[] = [];
afterEach(async () => {
  closeAllClients();
  await killAllProcesses();
  await Promise.all(redisServers.splice(0).map((redis) => redis.kill()));
});

async function startRedis(port?: number): Promise<RedisServer> {
  const redis = await startRedisServer(port === undefined ? {} : { port });
  redisServers.push(redis);
  return redis;
}

/** The gc executable on a free port, with `env`; resolves once it says where it listens. */
function startGc(env: Record<string, string>): Promise<NodeProcess> {
  return startProcess(
    GC_CLI,
    { GC_PORT: '0', LOG_LEVEL: 'info', ...env },
    /"url":"(http:\/\/[^"]+)","msg":"listening"/,
  );
}

/** Every sample on the gc's /metrics: `name{labels}` (or `name`) -> value. */
async function scrape(gc: NodeProcess): Promise<Map<string, number>> {
  const response = await fetch(`${gc.url}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const [, name, value] of (await response.text()).matchAll(/^([^#\s][^\s]*) (\S+)$/gm)) {
    samples.set(name!, Number(value));
  }
  return samples;
}

const metric = async (gc: NodeProcess, name: string) => (await scrape(gc)).get(name) ?? NaN;

async function healthz(gc: NodeProcess) {
  const response = await fetch(`${gc.url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the gc while it sweeps', () => {
  it('should answer /healthz 200 and count good sweeps, and nothing else on its port', async () => {
    const redis = await startRedis();
    const gc = await startGc({ REDIS_URL: redis.url, GC_INTERVAL_MS: '100' });
    await expect
      .poll(() => metric(gc, 'vip_presence_gc_sweeps_total{result="ok"}'), { timeout: 5_000 })
      .toBeGreaterThanOrEqual(3);
    expect(await healthz(gc)).toEqual({
      status: 200,
      body: {
        status: 'ok',
        lastGoodSweepAgeMs: expect.any(Number),
        sweptOnce: true,
        unhealthyAfterMs: 30_000,
      },
    });
    const samples = await scrape(gc);
    expect(samples.get('vip_presence_gc_sweeps_total{result="error"}')).toBe(0);
    expect(samples.get('vip_presence_gc_errors_total')).toBe(0);
    expect(samples.get('vip_presence_gc_sites')).toBe(1);
    expect(samples.get('vip_presence_gc_last_good_sweep_age_seconds')).toBeLessThan(5);
    expect(samples.get('vip_presence_gc_unhealthy_after_seconds')).toBe(30);
    expect(samples.get('vip_presence_gc_sweep_duration_seconds_count')).toBeGreaterThanOrEqual(3);
    expect(samples.get('vip_presence_gc_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect((await fetch(`${gc.url}/api/v1/counts`)).status).toBe(404);
    expect((await fetch(`${gc.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('should count exactly the visitors it reclaims from a killed server node, and the posts it changed', async () => {
    const redis = await startRedis();
    const reader = await startServerProcess({ REDIS_URL: redis.url, ...LONG_LEASES });
    const doomed = await startServerProcess({ REDIS_URL: redis.url, ...SHORT_LEASES });
    const gc = await startGc({ REDIS_URL: redis.url, GC_INTERVAL_MS: '200' });
    const watcher = await connectClient(reader.url);
    await watcher.request('presence:watch', { postIds: [21, 22] });
    // Post 21: one visitor with two tabs and another on the doomed node, one more on the reader's.
    // Post 22: one visitor on the doomed node. Three visitors to reclaim, on two posts.
    const twoTabs = newVisitorId();
    const joins: [number, string, string][] = [
      [21, doomed.url, twoTabs],
      [21, doomed.url, twoTabs],
      [21, doomed.url, newVisitorId()],
      [21, reader.url, newVisitorId()],
      [22, doomed.url, newVisitorId()],
    ];
    for (const [postId, url, visitorId] of joins) {
      await (await connectClient(url, { visitorId })).request('presence:join', { postId });
    }
    await watcher.waitForCount(21, (c) => c.count === 3);
    await watcher.waitForCount(22, (c) => c.count === 1);
    expect(await metric(gc, 'vip_presence_gc_visitors_reclaimed_total')).toBe(0);

    await doomed.crash();
    // Lease (750 ms) + one gc interval (200 ms), with slack for a shared machine.
    await watcher.waitForCount(21, (c) => c.count === 1, 2_500);
    await watcher.waitForCount(22, (c) => c.count === 0, 2_500);
    // The sweep tells the metrics once it has published every site's counts.
    await expect
      .poll(() => metric(gc, 'vip_presence_gc_posts_changed_total'), { timeout: 2_000 })
      .toBe(2);
    const samples = await scrape(gc);
    expect(samples.get('vip_presence_gc_visitors_reclaimed_total')).toBe(3);
    expect(samples.get('vip_presence_gc_errors_total')).toBe(0);
    expect((await healthz(gc)).status).toBe(200);
  });
});

describe('the gc when Redis does not answer', () => {
  const watched = { GC_INTERVAL_MS: '100', GC_UNHEALTHY_AFTER_MS: '1000' };

  it('should turn /healthz 503 once Redis has stopped answering for GC_UNHEALTHY_AFTER_MS, and 200 again after', async () => {
    const redis = await startRedis();
    const gc = await startGc({ REDIS_URL: redis.url, ...watched });
    await expect
      .poll(async () => (await healthz(gc)).body.sweptOnce, { timeout: 5_000 })
      .toBe(true);
    const stopped = Date.now();
    process.kill(redis.pid, 'SIGSTOP'); // alive, connected, silent: commands hang, nothing fails
    try {
      expect((await healthz(gc)).status).toBe(200);
      await expect.poll(async () => (await healthz(gc)).status, { timeout: 5_000 }).toBe(503);
      // Not before the threshold: the last good sweep was about one interval before the stop.
      expect(Date.now() - stopped).toBeGreaterThanOrEqual(1_000 - 300);
      const { body } = await healthz(gc);
      expect(body).toMatchObject({ status: 'stale', sweptOnce: true, unhealthyAfterMs: 1_000 });
      expect(body.lastGoodSweepAgeMs).toBeGreaterThan(1_000);
      expect(await metric(gc, 'vip_presence_gc_last_good_sweep_age_seconds')).toBeGreaterThan(1);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    const okBefore = await metric(gc, 'vip_presence_gc_sweeps_total{result="ok"}');
    await expect.poll(async () => (await healthz(gc)).status, { timeout: 5_000 }).toBe(200);
    expect(await metric(gc, 'vip_presence_gc_sweeps_total{result="ok"}')).toBeGreaterThan(okBefore);
    expect(await metric(gc, 'vip_presence_gc_last_good_sweep_age_seconds')).toBeLessThan(1);
  });

  it('should give a gc started before Redis GC_UNHEALTHY_AFTER_MS, then answer 503 until a sweep succeeds', async () => {
    const port = await freePort();
    const started = Date.now();
    const gc = await startGc({ REDIS_URL: `redis://127.0.0.1:${port}`, ...watched });
    // Sweeps fail from the start, but it has only just started.
    expect(await healthz(gc)).toMatchObject({
      status: 200,
      body: { status: 'ok', sweptOnce: false },
    });
    await expect.poll(async () => (await healthz(gc)).status, { timeout: 5_000 }).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect((await healthz(gc)).body).toMatchObject({ status: 'stale', sweptOnce: false });
    const samples = await scrape(gc);
    expect(samples.get('vip_presence_gc_sweeps_total{result="error"}')).toBeGreaterThan(0);
    expect(samples.get('vip_presence_gc_errors_total')).toBeGreaterThan(0);
    expect(samples.get('vip_presence_gc_sweeps_total{result="ok"}')).toBe(0);

    await startRedis(port);
    await expect.poll(async () => (await healthz(gc)).status, { timeout: 10_000 }).toBe(200);
    expect((await healthz(gc)).body).toMatchObject({ status: 'ok', sweptOnce: true });
    expect(await metric(gc, 'vip_presence_gc_sweeps_total{result="ok"}')).toBeGreaterThan(0);
  });
});
