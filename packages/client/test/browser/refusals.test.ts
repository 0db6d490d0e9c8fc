import { signViewToken } from '@vip-presence/protocol/token';
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
import { startPresenceServer, storedCount } from './helpers/presence-server.js';
import { startStaticSite, type PostPageOptions, type StaticSite } from './helpers/static-site.js';

const SECRET = 'browser-test-secret-of-enough-length';
const inAnHour = () => Math.floor(Date.now() / 1000) + 3_600;

describe('the SDK when the server refuses', () => {
  let browser: Browser;
  let site: StaticSite;
  let server: PresenceServer;
  let contexts: BrowserContext[];
  let pages: PostPage[];

  async function open(options: Omit<PostPageOptions, 'serverUrl'>): Promise<PostPage> {
    const context = await browser.newContext();
    contexts.push(context);
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

  beforeEach(() => {
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

  describe('a server with a secret', () => {
    beforeEach(async () => {
      server = await startPresenceServer({ secret: SECRET });
    });

    it('should count a reader whose page carries a valid view token', async () => {
      const reader = await open({ view: 6, tokens: { '6': signViewToken(SECRET, 6, inAnHour()) } });
      await waitForState(reader, '6', { status: 'live', count: 1, others: 0, self: true });
      expect(reader.warnings).toEqual([]);
    });

    it('should show a bad token as status error with its code, and warn once', async () => {
      const forged = signViewToken('another-secret-entirely', 6, inAnHour());
      const reader = await open({ view: 6, tokens: { '6': forged } });
      const state = await waitForState(reader, '6', {
        status: 'error',
        errorCode: 'invalid_token',
      });
      expect(state).toMatchObject({ count: 0, self: false });
      // A second widget on the same post: the same error, no second warning.
      await reader.page.evaluate(() =>
        (window as unknown as { follow: (id: number) => void }).follow(6),
      );
      await reader.page.waitForFunction(
        () =>
          (window as unknown as { presenceLog: Array<{ status: string }> }).presenceLog.filter(
            (state) => state.status === 'error',
          ).length === 2,
        null,
        { timeout: WAIT_MS },
      );
      expect(await storedCount(server, 6)).toBe(0);
      expect(reader.warnings.filter((warning) => warning.includes('invalid_token'))).toHaveLength(
        1,
      );
      expect(reader.warnings[0]).toMatch(
        /^vipPresence: the server refused to join post 6 \(invalid_token\)/,
      );
    });

    it('should show an expired token as status error token_expired', async () => {
      const expired = signViewToken(SECRET, 6, Math.floor(Date.now() / 1000) - 3_600);
      const reader = await open({ view: 6, tokens: { '6': expired } });
      await waitForState(reader, '6', { status: 'error', errorCode: 'token_expired' });
    });

    it('should join as the site the page names, which its v2 token must match', async () => {
      const siteA = await open({
        view: 6,
        site: 'site-a',
        tokens: { '6': signViewToken(SECRET, 6, inAnHour(), 'site-a') },
      });
      const siteB = await open({
        view: 6,
        site: 'site-b',
        tokens: { '6': signViewToken(SECRET, 6, inAnHour(), 'site-b') },
      });
      // Post 6 of site A and post 6 of site B: one reader each, never two.
      await waitForState(siteA, '6', { status: 'live', count: 1, self: true });
      await waitForState(siteB, '6', { status: 'live', count: 1, self: true });
      expect((await server.storeOf('site-a').counts([6]))[0]?.count).toBe(1);
      expect(await storedCount(server, 6)).toBe(0); // the default site's post 6
      // A page of site B carrying site A's token is refused.
      const borrowed = await open({
        view: 6,
        site: 'site-b',
        tokens: { '6': signViewToken(SECRET, 6, inAnHour(), 'site-a') },
      });
      await waitForState(borrowed, '6', { status: 'error', errorCode: 'invalid_token' });
      expect((await server.storeOf('site-b').counts([6]))[0]?.count).toBe(1);
    });

    it('should show a malformed site as status error invalid_site', async () => {
      const reader = await open({
        view: 6,
        site: 'not a site key',
        tokens: { '6': signViewToken(SECRET, 6, inAnHour()) },
      });
      await waitForState(reader, '6', { status: 'error', errorCode: 'invalid_site' });
    });

    it('should show a missing token as status error invalid_token', async () => {
      const reader = await open({ view: 6 });
      await waitForState(reader, '6', { status: 'error', errorCode: 'invalid_token' });
    });
  });

  describe('a server that allows other origins only', () => {
    beforeEach(async () => {
      server = await startPresenceServer({ allowedOrigins: ['https://www.example.com'] });
    });

    it('should show origin_not_allowed on every subscription, and warn once', async () => {
      const reader = await open({ view: 8, watch: [9] });
      await waitForState(reader, '8', { status: 'error', errorCode: 'origin_not_allowed' });
      await waitForState(reader, '9:watch', { status: 'error', errorCode: 'origin_not_allowed' });
      expect(
        reader.warnings.filter((warning) => warning.includes('origin_not_allowed')),
      ).toHaveLength(1);
    });
  });
});
