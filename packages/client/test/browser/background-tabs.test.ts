import { Events } from '@vip-presence/protocol';
import type { PresenceServer } from '@vip-presence/server';
import { waitFor } from '@vip-presence/test-kit';
import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { WAIT_MS } from './helpers/browser.js';
import { launchCdpChromium, type CdpChromium } from './helpers/cdp-chromium.js';
import { startPresenceServer, storedCount } from './helpers/presence-server.js';
import { startStaticSite, type StaticSite } from './helpers/static-site.js';

const HIDDEN_TIMEOUT_MS = 500;

describe('the SDK in tabs hidden behind other tabs', () => {
  let site: StaticSite;
  let chromium: CdpChromium;
  let server: PresenceServer;
  /** What the server received, in order: every event of every socket, with when. */
  let received: Array<{ socket: string; event: string; payload: unknown; at: number }>;

  const receivedEvent = (event: string) =>
    waitFor(() => received.find((entry) => entry.event === event), {
      timeoutMs: WAIT_MS,
      what: `the server receiving ${event}`,
    });

  beforeAll(async () => {
    site = await startStaticSite();
  });

  afterAll(async () => {
    await site?.close();
  });

  beforeEach(async () => {
    // One browser, one profile: all its tabs are one visitor.
    [chromium, server] = await Promise.all([launchCdpChromium(), startPresenceServer()]);
    received = [];
    server.io.on('connection', (socket) =>
      socket.onAny((event: string, payload: unknown) =>
        received.push({ socket: socket.id, event, payload, at: Date.now() }),
      ),
    );
  });

  afterEach(async () => {
    await chromium.close();
    await server.close();
  });

  it('should stop counting a visitor whose tabs are all hidden too long, and count it again at once when one is shown', async () => {
    const post = site.postUrl({
      serverUrl: server.url,
      view: 61,
      settings: { hiddenTimeoutMs: HIDDEN_TIMEOUT_MS },
    });
    const first = await chromium.newTab(post);
    const joined = await first.waitForState('61', { status: 'live', count: 1, self: true });

    // A second tab of the same visitor in front: the first one is hidden.
    const second = await chromium.newTab(post);
    await second.waitForState('61', { status: 'live', count: 1, self: true });
    const [hidden] = await first.evaluate<Array<{ state: string; at: number }>>('visibility');
    expect(hidden?.state).toBe('hidden');
    // Hidden long enough, the first tab leaves (and watches); the second one still counts.
    const leave = await receivedEvent(Events.Leave);
    expect(leave.payload).toEqual({ postId: 61 });
    expect(leave.at - (hidden?.at ?? 0)).toBeGreaterThanOrEqual(HIDDEN_TIMEOUT_MS - 50);
    expect(await receivedEvent(Events.Watch)).toMatchObject({ socket: leave.socket });
    expect(await storedCount(server, 61)).toBe(1);

    // Another page in front of both: once the second tab's time is up too, nobody counts.
    await chromium.newTab(site.otherUrl);
    await expect.poll(() => storedCount(server, 61), { timeout: WAIT_MS }).toBe(0);
    // The hidden widgets still show the post's count, without this visitor.
    for (const tab of [first, second]) {
      await tab.waitForState('61', { status: 'live', count: 0, others: 0, self: false });
    }

    // The first tab is shown again: counted at once, and it is no new view.
    const shownAt = Date.now();
    await first.activate();
    const back = await first.waitForState('61', { status: 'live', count: 1, self: true });
    expect(back.at - shownAt).toBeLessThan(1_000);
    expect(back.views).toBe(joined.views);
    expect(await storedCount(server, 61)).toBe(1);
    // The second tab, still hidden, sees this visitor counted again.
    await second.waitForState('61', { status: 'live', count: 1, others: 0, self: true });
  });
});
