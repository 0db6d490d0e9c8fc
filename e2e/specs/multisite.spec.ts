import { test as base, expect } from '../support/fixtures.js';
import {
  NetworkAdmin,
  pageSettings,
  restTokens,
  siteCounts,
  siteUrls,
} from '../support/multisite.js';
import type { PluginInfo } from '../support/request-utils.js';
import {
  ONLY_ONE_HERE,
  parseV2Token,
  expectWidget,
  liveTexts,
  metric,
  othersViewing,
  widget,
} from '../support/presence.js';

/*
 * Two sites of one WordPress network share one presence server (DESIGN 20-21, P9 item 1): each
 * site has a site key of its own, its tokens name it (v2), and the server counts every site apart.
 * A real subdirectory network (run "multisite": E2E_WP_MULTISITE=1): the main site and site-b,
 * the plugin network-activated. Both sites publish a post with the SAME post id, so only the site
 * keeps their readers and tokens apart.
 */
const test = base.extend<object, { networkAdmin: NetworkAdmin }>({
  networkAdmin: [
    // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring
    async ({}, use) => {
      const admin = await NetworkAdmin.login(siteUrls().a);
      await use(admin);
      await admin.dispose();
    },
    { scope: 'worker' },
  ],
});

test.describe('Multisite network', () => {
  test('should be a real network: two sites, the plugin network-active', async ({
    networkAdmin,
  }) => {
    const sites = siteUrls();
    for (const [site, blogId] of [
      [sites.a, 1],
      [sites.b, 2],
    ] as const) {
      const status = await networkAdmin.rest<{ multisite: boolean; blogId: number; home: string }>(
        site,
        'GET',
        '/vip-presence-e2e/v1/status',
      );
      expect(status, `${site} is site ${blogId} of a network`).toMatchObject({
        multisite: true,
        blogId,
        home: site,
      });
      const plugins = await networkAdmin.rest<PluginInfo[]>(site, 'GET', '/wp/v2/plugins');
      expect(
        plugins.find((plugin) => plugin.textdomain === 'vip-presence')?.status,
        `the plugin on ${site}`,
      ).toBe('network-active');
    }
  });

  test('should count the readers of two sites apart when their posts share an id', async ({
    page: readerA1,
    newReader,
    networkAdmin,
  }) => {
    const sites = siteUrls();
    const [postA, postB] = await networkAdmin.publishPostsWithSameId([sites.a, sites.b], {
      title: 'One id, two sites',
      content: '<p>Read on two sites of one network.</p>',
    });
    expect(postA!.id, 'both sites have a post of this id').toBe(postB!.id);
    expect(postA!.link.startsWith(sites.a) && !postA!.link.startsWith(sites.b)).toBe(true);
    expect(postB!.link.startsWith(sites.b)).toBe(true);
    const postId = postA!.id;

    // A reader on site A, then one on site B (same post id): each page names its own site, and
    // its token is bound to it.
    await readerA1.goto(postA!.link);
    const settingsA = await pageSettings(readerA1);
    expect(settingsA?.site, 'site A has a site key').toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(parseV2Token(settingsA?.tokens?.[postId])).toMatchObject({
      site: settingsA?.site,
      postId,
    });
    const readerB = await newReader();
    await readerB.goto(postB!.link);
    const settingsB = await pageSettings(readerB);
    expect(settingsB?.site, 'site B has a site key').toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(settingsB?.site).not.toBe(settingsA?.site);
    expect(parseV2Token(settingsB?.tokens?.[postId])).toMatchObject({
      site: settingsB?.site,
      postId,
    });

    // Each is alone on its site.
    await expectWidget(widget(readerA1, postId), ONLY_ONE_HERE);
    await expectWidget(widget(readerB, postId), ONLY_ONE_HERE);

    // A second reader on site A: A counts 2, B still 1.
    const readerA2 = await newReader();
    await readerA2.goto(postA!.link);
    await expectWidget(widget(readerA2, postId), othersViewing(1));
    await expect(widget(readerA1, postId)).toHaveText(othersViewing(1));

    // The server's own view: 2 on A, 1 on B, none on the default site.
    expect(await siteCounts(settingsA!.site, [postId])).toEqual({ [postId]: 2 });
    expect(await siteCounts(settingsB!.site, [postId])).toEqual({ [postId]: 1 });
    expect(await siteCounts(undefined, [postId])).toEqual({ [postId]: 0 });

    // One of A's readers leaves: A drops to 1, B stays 1.
    await readerA2.context().close();
    await expectWidget(widget(readerA1, postId), ONLY_ONE_HERE);
    await expect(widget(readerB, postId)).toHaveText(ONLY_ONE_HERE);
    expect(await siteCounts(settingsA!.site, [postId])).toEqual({ [postId]: 1 });
    expect(await siteCounts(settingsB!.site, [postId])).toEqual({ [postId]: 1 });

    // What each reader saw, start to end: A never counted B's reader, B never counted A's.
    expect(await liveTexts(readerA1)).toEqual([ONLY_ONE_HERE, othersViewing(1), ONLY_ONE_HERE]);
    expect(await liveTexts(readerB)).toEqual([ONLY_ONE_HERE]);
  });

  test("should refuse site A's token on site B, for the same post id", async ({
    page: honestB,
    newReader,
    networkAdmin,
  }) => {
    const sites = siteUrls();
    const [postA, postB] = await networkAdmin.publishPostsWithSameId([sites.a, sites.b], {
      title: 'A token for one site only',
      content: '<p>Its token is good on its own site.</p>',
    });
    expect(postA!.id).toBe(postB!.id);
    const postId = postA!.id;

    // The tokens route of each site answers a token of its own site.
    const tokenA = (await restTokens(sites.a, [postId]))[postId];
    const tokenB = (await restTokens(sites.b, [postId]))[postId];
    const partsA = parseV2Token(tokenA);
    const partsB = parseV2Token(tokenB);
    expect(partsA, `site A's token ${tokenA} is v2 for post ${postId}`).toMatchObject({ postId });
    expect(partsB, `site B's token ${tokenB} is v2 for post ${postId}`).toMatchObject({ postId });
    expect(partsB!.site).not.toBe(partsA!.site);

    // An honest reader of B's post.
    await honestB.goto(postB!.link);
    await expectWidget(widget(honestB, postId), ONLY_ONE_HERE);
    expect((await pageSettings(honestB))?.site).toBe(partsB!.site);
    const refusals = await metric('vip_presence_refusals_total', { code: 'invalid_token' });

    // A reader of B's post whose page carries A's token for the same post id (copied from site A,
    // validly signed with the network's one secret), without the tokens route, which would hand
    // it an honest token of B (DESIGN 22).
    const replayer = await newReader();
    await replayer.addInitScript(
      ({ id, token }) => {
        let settings: { tokens?: Record<string, string> } | undefined;
        Object.defineProperty(window, 'vipPresenceSettings', {
          configurable: true,
          get: () => settings,
          set(value: { tokens?: Record<string, string>; tokensUrl?: string }) {
            delete value.tokensUrl;
            if (value.tokens?.[id]) value.tokens[id] = token;
            settings = value;
          },
        });
      },
      { id: String(postId), token: tokenA as string },
    );
    await replayer.goto(postB!.link);
    const replayed = await pageSettings(replayer);
    expect(replayed?.site, "the replayer's socket is site B's").toBe(partsB!.site);
    expect(replayed?.tokens?.[postId], "with site A's token").toBe(tokenA);

    // Refused as an invalid token: no count shown, counted by nobody on either site.
    await expect(widget(replayer, postId)).toHaveAttribute('data-vip-presence-status', 'error');
    await expect(widget(replayer, postId)).toHaveText('');
    expect(await metric('vip_presence_refusals_total', { code: 'invalid_token' })).toBe(
      refusals + 1,
    );
    expect(await siteCounts(partsB!.site, [postId])).toEqual({ [postId]: 1 });
    expect(await siteCounts(partsA!.site, [postId])).toEqual({ [postId]: 0 });
    await expect(widget(honestB, postId)).toHaveText(ONLY_ONE_HERE);
    expect(await liveTexts(honestB)).toEqual([ONLY_ONE_HERE]);
    expect(await liveTexts(replayer)).toEqual([]);
  });
});
