import type { PresenceServer } from '@vip-presence/server';
import { waitFor } from '@vip-presence/test-kit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WAIT_MS, type RecordedState } from './helpers/browser.js';
import { launchCdpChromium, type CdpChromium } from './helpers/cdp-chromium.js';
import { startPresenceServer, storedCount } from './helpers/presence-server.js';
import { startStaticSite, type StaticSite } from './helpers/static-site.js';

describe('the SDK in a page prerendered by Speculation Rules', () => {
  let chromium: CdpChromium;
  let site: StaticSite;
  let server: PresenceServer;

  beforeAll(async () => {
    [chromium, site] = await Promise.all([launchCdpChromium(), startStaticSite()]);
  });

  afterAll(async () => {
    await Promise.all([chromium?.close(), site?.close()]);
  });

  beforeEach(async () => {
    server = await startPresenceServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('should not connect while the page is prerendered, and join once it is shown', async () => {
    const post = site.postUrl({ serverUrl: server.url, view: 51, countSockets: true });
    const tab = await chromium.newTab(site.speculationUrl(post));

    // Inside the prerendered page: the widget subscribed, and the SDK opened no socket.
    const prerendered = await waitFor(
      async () => {
        const inside = await tab.evaluate<{
          prerendering: boolean;
          state?: RecordedState;
          sockets: number;
        }>(
          `({ prerendering: document.prerendering, state: presenceState['51'], sockets: openedSockets })`,
          { prerendered: true },
        );
        return inside.state && inside;
      },
      { timeoutMs: WAIT_MS, intervalMs: 20, what: 'the widget of the prerendered page' },
    );
    expect(prerendered).toMatchObject({
      prerendering: true,
      state: { status: 'connecting', count: 0 },
      sockets: 0,
    });
    expect(server.io.of('/').sockets.size).toBe(0);
    expect(await storedCount(server, 51)).toBe(0);

    // The reader follows the link: the prerendered page is shown, and joins.
    await tab.evaluate(`document.getElementById('go').click()`);
    await tab.waitForState('51', { status: 'live', count: 1, self: true });
    expect(await storedCount(server, 51)).toBe(1);
    expect(
      await tab.evaluate(
        `[document.prerendering, performance.getEntriesByType('navigation')[0].activationStart > 0, openedSockets]`,
      ),
    ).toEqual([false, true, 1]);
    const statuses = await tab.evaluate<Array<{ status: string; prerendering: boolean }>>(
      `presenceLog.map(({ status, prerendering }) => ({ status, prerendering }))`,
    );
    expect(statuses[0]).toEqual({ status: 'connecting', prerendering: true });
    expect(statuses.filter((state) => state.prerendering).map((state) => state.status)).toEqual([
      'connecting',
    ]);
  });
});
