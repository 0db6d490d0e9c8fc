import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPresenceServer, type PresenceServer } from '../../src/index.js';
import { closeAllClients, connectClient, newVisitorId } from '../helpers/clients.js';

let server: PresenceServer;

beforeAll(async () => {
  server = createPresenceServer({
    heartbeatIntervalMs: 100,
    sessionTtlMs: 300,
    sweepIntervalMs: 100,
    coalesceWindowMs: 50,
  });
  await server.listen();
});

afterEach(() => closeAllClients());
afterAll(() => server?.close());

describe('the embedded store (no REDIS_URL)', () => {
  it('should run on the in-memory store', () => {
    expect(server.store.kind).toBe('memory');
  });

  it('should count a visitor with two tabs once and tell a watcher', async () => {
    const visitorId = newVisitorId();
    const watcher = await connectClient(server.url);
    await watcher.request('presence:watch', { postIds: [1] });
    const tab1 = await connectClient(server.url, { visitorId });
    const tab2 = await connectClient(server.url, { visitorId });
    expect(await tab1.request('presence:join', { postId: 1 })).toMatchObject({
      ok: true,
      count: 1,
      views: 1,
    });
    expect(await tab2.request('presence:join', { postId: 1 })).toMatchObject({
      ok: true,
      count: 1,
      views: 1,
    });
    await watcher.waitForCount(1, (c) => c.count === 1 && !c.self);
    tab1.close();
    tab2.close();
    await watcher.waitForCount(1, (c) => c.count === 0);
  });

  it('should accept joins without a token in development mode', async () => {
    const c = await connectClient(server.url);
    expect(await c.request('presence:join', { postId: 2 })).toMatchObject({ ok: true });
  });

  it('should keep live viewers counted across many lease renewals', async () => {
    const viewer = await connectClient(server.url);
    await viewer.request('presence:join', { postId: 3 });
    const watcher = await connectClient(server.url);
    const seen = watcher.counts.length;
    // Ten lease lifetimes; a renewal failure would show as a drop to 0.
    for (let i = 0; i < 10; i += 1) {
      await server.heartbeat();
      const { counts } = await watcher.request<{ counts: Record<string, number> }>(
        'presence:watch',
        { postIds: [3] },
      );
      expect(counts[3]).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300 / 3));
    }
    expect(watcher.counts.slice(seen).every((c) => c.count === 1)).toBe(true);
  });
});
