import type { PresenceServer } from '@vip-presence/server';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  history,
  launchChromium,
  openPage,
  waitForState,
  WAIT_MS,
  type PostPage,
} from './helpers/browser.js';
import { startPresenceServer, storedCount } from './helpers/presence-server.js';
import { startStaticSite, type StaticSite } from './helpers/static-site.js';

describe('the SDK when the connection goes away and comes back', () => {
  let site: StaticSite;
  let servers: PresenceServer[];
  let contexts: BrowserContext[];
  let pages: PostPage[];

  async function open(browser: Browser, url: string): Promise<PostPage> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await openPage(context, url);
    pages.push(page);
    return page;
  }

  beforeAll(async () => {
    site = await startStaticSite();
  });

  afterAll(async () => {
    await site?.close();
  });

  beforeEach(() => {
    servers = [];
    contexts = [];
    pages = [];
  });

  afterEach(async () => {
    for (const { page, pageErrors } of pages) {
      expect(pageErrors, `uncaught errors in ${page.url()}`).toEqual([]);
    }
    await Promise.all(contexts.map((context) => context.close()));
    await Promise.all(servers.map((server) => server.close()));
  });

  describe('in a browser', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('should show offline while the server is down, then the right count again without a reload', async () => {
      const first = await startPresenceServer();
      servers.push(first);
      const { port } = new URL(first.url);
      const url = site.postUrl({ serverUrl: first.url, view: 4 });
      const [alice, bob] = await Promise.all([open(browser, url), open(browser, url)]);
      const watcher = await open(browser, site.postUrl({ serverUrl: first.url, watch: [4] }));
      for (const reader of [alice, bob])
        await waitForState(reader, '4', { status: 'live', count: 2 });
      await waitForState(watcher, '4:watch', { status: 'live', count: 2 });

      await first.close();
      for (const reader of [alice, bob]) await waitForState(reader, '4', { status: 'offline' });
      await waitForState(watcher, '4:watch', { status: 'offline' });

      const second = await startPresenceServer({}, Number(port));
      servers.push(second);
      for (const reader of [alice, bob]) {
        await waitForState(reader, '4', { status: 'live', count: 2, others: 1 }, 20_000);
      }
      await waitForState(watcher, '4:watch', { status: 'live', count: 2 }, 20_000);
      expect(await storedCount(second, 4)).toBe(2);
      // Rejoined once each: the pages never showed more readers than there are.
      for (const reader of [alice, bob]) {
        expect(Math.max(...(await history(reader, '4')).map((state) => state.count))).toBe(2);
      }
      // No reload happened: the pages still hold what they recorded before the restart.
      const statuses = (await history(alice, '4')).map((state) => state.status);
      expect(statuses.indexOf('offline')).toBeGreaterThan(statuses.indexOf('live'));
    });
  });

  describe('in a browser with the back-forward cache on', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await launchChromium({ backForwardCache: true });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('should leave on pagehide and rejoin when the page comes back from the back-forward cache', async () => {
      const server = await startPresenceServer();
      servers.push(server);
      const reader = await open(browser, site.postUrl({ serverUrl: server.url, view: 5 }));
      const watcher = await open(browser, site.postUrl({ serverUrl: server.url, watch: [5] }));
      await waitForState(reader, '5', { status: 'live', count: 1 });
      await waitForState(watcher, '5:watch', { status: 'live', count: 1 });

      const leftAt = Date.now();
      await reader.page.goto(site.otherUrl, { timeout: WAIT_MS });
      const left = await waitForState(watcher, '5:watch', { count: 0 }, 2_000);
      expect(left.at - leftAt).toBeLessThan(1_000);

      // A page restored from the cache fires no `load`: wait for the commit only.
      await reader.page.goBack({ waitUntil: 'commit', timeout: WAIT_MS });
      await waitForState(watcher, '5:watch', { count: 1 });
      await waitForState(reader, '5', { status: 'live', count: 1 });
      // The page was restored, not loaded again: it kept its recordings and saw pageshow:persisted.
      expect(
        await reader.page.evaluate(() => (window as unknown as { lifecycle: string[] }).lifecycle),
      ).toEqual(['pageshow', 'pagehide:persisted', 'pageshow:persisted']);
    });
  });
});
