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

describe('the SDK in Chromium against a real server', () => {
  let browser: Browser;
  let site: StaticSite;
  let server: PresenceServer;
  let contexts: BrowserContext[];
  let pages: PostPage[];

  /** A new browser context: another visitor, with its own local storage. */
  async function visitor(): Promise<BrowserContext> {
    const context = await browser.newContext();
    contexts.push(context);
    return context;
  }

  async function open(context: BrowserContext, options: { view?: number; watch?: number[] }) {
    const page = await openPage(context, site.postUrl({ serverUrl: server.url, ...options }));
    pages.push(page);
    return page;
  }

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchChromium(), startStaticSite()]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close()]);
  });

  beforeEach(async () => {
    server = await startPresenceServer();
    contexts = [];
    pages = [];
  });

  afterEach(async () => {
    for (const { page, pageErrors } of pages) {
      expect(pageErrors, `uncaught errors in ${page.url()}`).toEqual([]);
    }
    await Promise.all(contexts.map((context) => context.close()));
    await server.close();
  });

  it('should count two readers of a post as 2, each seeing 1 other', async () => {
    const alice = await open(await visitor(), { view: 1 });
    const bob = await open(await visitor(), { view: 1 });
    for (const reader of [alice, bob]) {
      await waitForState(reader, '1', { status: 'live', count: 2, others: 1, self: true });
    }
    expect(await alice.page.locator('#viewers').textContent({ timeout: WAIT_MS })).toBe('1 others');
  });

  it('should reach the server as an ordinary desktop Chrome, not HeadlessChrome', async () => {
    // The server never counts bots, headless Chromium among them: the test kit's launch
    // arguments give the browser an ordinary user agent.
    const reader = await open(await visitor(), { view: 1 });
    await waitForState(reader, '1', { status: 'live', count: 1 });
    const [socket] = server.io.of('/').sockets.values();
    const userAgent = socket?.handshake.headers['user-agent'];
    expect(userAgent).toMatch(/^Mozilla\/5\.0 \(X11; Linux x86_64\) .* Chrome\/\d+/);
    expect(userAgent).not.toMatch(/headless/i);
    expect(await reader.page.evaluate(() => navigator.userAgent)).toBe(userAgent);
  });

  it('should not count a second tab of the same visitor again', async () => {
    const aliceBrowser = await visitor();
    const aliceTab1 = await open(aliceBrowser, { view: 2 });
    const bob = await open(await visitor(), { view: 2 });
    await waitForState(bob, '2', { status: 'live', count: 2 });
    const aliceTab2 = await open(aliceBrowser, { view: 2 });
    await waitForState(aliceTab2, '2', { status: 'live', count: 2, others: 1, self: true });
    await waitForState(aliceTab1, '2', { count: 2, others: 1 });

    // Alice closes one tab: she still has the post open in the other.
    await aliceTab1.page.close();
    await expect.poll(() => server.io.of('/').sockets.size, { timeout: WAIT_MS }).toBe(2);
    expect(await storedCount(server, 2)).toBe(2);
    // ... and then the last one: now she has left.
    await aliceTab2.page.close();
    await waitForState(bob, '2', { count: 1, others: 0 });
    expect((await history(bob, '2')).map((state) => state.count)).not.toContain(3);
  });

  it("should drop a closed page from the others' count within 1 s", async () => {
    const leaving = await open(await visitor(), { view: 3 });
    const staying = await open(await visitor(), { view: 3 });
    const watching = await open(await visitor(), { watch: [3] });
    await waitForState(staying, '3', { status: 'live', count: 2 });
    await waitForState(watching, '3:watch', { status: 'live', count: 2, self: false });
    await waitForState(leaving, '3', { status: 'live', count: 2 });

    const closedAt = Date.now();
    await leaving.page.close();
    const seenByViewer = await waitForState(staying, '3', { count: 1, others: 0 }, 2_000);
    const seenByWatcher = await waitForState(watching, '3:watch', { count: 1 }, 2_000);
    expect(seenByViewer.at - closedAt).toBeLessThan(1_000);
    expect(seenByWatcher.at - closedAt).toBeLessThan(1_000);
  });

  it('should leave nothing joined after 50 subscribe and unsubscribe cycles', async () => {
    const cycling = await open(await visitor(), {});
    const watcher = await open(await visitor(), { watch: [9] });
    await waitForState(watcher, '9:watch', { status: 'live', count: 0 });

    await cycling.page.evaluate(async () => {
      const follow = (window as unknown as { follow: (postId: number) => () => void }).follow;
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      for (let cycle = 0; cycle < 50; cycle++) {
        const unsubscribe = follow(9);
        // Sometimes at once, sometimes with the join in flight or answered.
        if (cycle % 5 !== 0) await pause(Math.floor(Math.random() * 25));
        unsubscribe();
        if (cycle % 3 === 0) await pause(Math.floor(Math.random() * 10));
      }
    });
    // A last subscription goes live only once every earlier request of post 9 is answered.
    await cycling.page.evaluate(() => {
      const page = window as unknown as {
        follow: (postId: number) => () => void;
        last?: () => void;
      };
      page.last = page.follow(9);
    });
    await waitForState(cycling, '9', { status: 'live', count: 1 }, 20_000);
    await waitForState(watcher, '9:watch', { count: 1 }, 2_000);
    await cycling.page.evaluate(() => (window as unknown as { last: () => void }).last());

    await waitForState(watcher, '9:watch', { status: 'live', count: 0 }, 2_000);
    expect(await storedCount(server, 9)).toBe(0);
    expect(Math.max(...(await history(watcher, '9:watch')).map((state) => state.count))).toBe(1);
  });

  it('should watch many posts with one request without being counted', async () => {
    const reader = await open(await visitor(), { view: 21 });
    const archive = await open(await visitor(), { watch: [21, 22, 23] });
    await waitForState(archive, '21:watch', { status: 'live', count: 1, others: 1, self: false });
    await waitForState(archive, '22:watch', { status: 'live', count: 0 });
    await waitForState(reader, '21', { status: 'live', count: 1, others: 0 });
    expect(await storedCount(server, 22)).toBe(0);
  });
});
