import type { PresenceServer } from '@vip-presence/server';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  launchChromium,
  openPage,
  waitForState,
  WAIT_MS,
  type PostPage,
} from './helpers/browser.js';
import { servePolling, startPresenceServer, storedCount } from './helpers/presence-server.js';
import { startStaticSite, type StaticSite } from './helpers/static-site.js';
import {
  startWebSocketRefusingProxy,
  type WebSocketRefusingProxy,
} from './helpers/websocket-refusing-proxy.js';

describe('the SDK behind a proxy that refuses WebSockets', () => {
  let browser: Browser;
  let site: StaticSite;
  let server: PresenceServer;
  let proxy: WebSocketRefusingProxy;
  let context: BrowserContext;
  let pages: PostPage[];

  async function open(settings: Record<string, unknown>): Promise<PostPage> {
    const page = await openPage(context, site.postUrl({ serverUrl: proxy.url, view: 8, settings }));
    pages.push(page);
    return page;
  }

  /** The transport of each socket the server holds. */
  const transports = () =>
    [...server.io.of('/').sockets.values()].map((s) => s.conn.transport.name);

  beforeAll(async () => {
    [browser, site] = await Promise.all([launchChromium(), startStaticSite()]);
  });

  afterAll(async () => {
    await Promise.all([browser?.close(), site?.close()]);
  });

  beforeEach(async () => {
    server = await startPresenceServer();
    servePolling(server);
    proxy = await startWebSocketRefusingProxy(server.url);
    context = await browser.newContext();
    pages = [];
  });

  afterEach(async () => {
    for (const { page, pageErrors } of pages) {
      expect(pageErrors, `uncaught errors in ${page.url()}`).toEqual([]);
    }
    await context.close();
    await proxy.close();
    await server.close();
  });

  it('should stay offline without allowPolling: WebSocket only', async () => {
    const reader = await open({});
    await waitForState(reader, '8', { status: 'offline' });
    expect(proxy.refusedUpgrades).toBeGreaterThan(0);
    expect(transports()).toEqual([]);
  });

  it('should be counted over long-polling with allowPolling, and leave when the page closes', async () => {
    const reader = await open({ allowPolling: true });
    await waitForState(reader, '8', { status: 'live', count: 1, others: 0, self: true });
    expect(proxy.refusedUpgrades).toBeGreaterThan(0);
    expect(transports()).toEqual(['polling']);
    expect(await storedCount(server, 8)).toBe(1);

    await reader.page.close();
    await expect.poll(() => storedCount(server, 8), { timeout: WAIT_MS }).toBe(0);
  });
});
