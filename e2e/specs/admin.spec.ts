import type { Page } from '@playwright/test';
import {
  REFUSED_ROUTE_CONSOLE_ERROR,
  expectRecoveryFromExpiredNonce,
} from '../support/expired-nonce.js';
import { expect, test } from '../support/fixtures.js';
import { ONLY_ONE_HERE, expectWidget, othersViewing, widget } from '../support/presence.js';

/*
 * The admin views of live presence (DESIGN.md, points 16 and 26): the "Reading now" column of the
 * posts list, filled live by a page that watches without being counted, with each post's peak and
 * views under it; and the "Most read right now" dashboard widget, rendered from the server's read
 * API (cached by the plugin for 15 s) and then kept live without a reload: counts through the SDK,
 * the list asked again from WordPress every 15 s. The read API's credential never reaches the
 * browser.
 */

/** Fails the test if `page` asks the presence server's read API, or sends anyone the secret. */
function guardCredentials(page: Page): () => void {
  const leaks: string[] = [];
  const secret = process.env.E2E_PRESENCE_SECRET ?? '';
  page.on('request', (request) => {
    const headers = Object.values(request.headers()).join('\n');
    if (request.url().includes('/api/v1/') || (secret && headers.includes(secret))) {
      leaks.push(request.url());
    }
  });
  return () => expect(leaks, 'requests with the read API or its credential').toEqual([]);
}

/** The item of the dashboard list that links to `title`. */
const listItem = (page: Page, title: string) =>
  page.locator('#vip_presence_top_posts ol.vip-presence-top-posts > li', {
    has: page.getByRole('link', { name: title, exact: true }),
  });

/** The titles of the dashboard list, in order. */
const listedTitles = (page: Page) =>
  page.locator('#vip_presence_top_posts ol.vip-presence-top-posts > li > a').allInnerTexts();

test.describe('Admin', () => {
  test('should show readers now, live, with peak and views, in the "Reading now" column', async ({
    adminPage,
    page: reader,
    requestUtils,
  }) => {
    const checkCredentials = guardCredentials(adminPage);
    const post = await requestUtils.createPost({
      title: 'Watched from the posts list',
      content: '<p>Read me while the editor watches.</p>',
    });

    await adminPage.goto('/wp-admin/edit.php');
    await expect(adminPage.locator('thead th#vip_presence')).toHaveText('Reading now');
    const row = adminPage.locator(`#post-${post.id}`);
    const cell = row.locator('.vip-presence-column');
    const peak = row.locator('.vip-presence-column-peak');
    await expect(cell).toHaveAttribute('data-vip-presence-status', 'live');
    await expect(cell).toHaveText('0');
    // A post nobody has read: no peak yet, so no time of it either.
    await expect(peak).toHaveText('Peak 0');
    await expect(peak).not.toHaveAttribute('title', /./);
    await expect(row.locator('.vip-presence-column-views')).toHaveText('0 views');

    await reader.goto(post.link);
    // The admin page watches without being counted: the reader is alone.
    await expectWidget(widget(reader), ONLY_ONE_HERE);
    await expect(cell).toHaveText('1');
    await expect(peak, 'the page raises the peak it shows').toHaveText('Peak 1');

    await reader.close();
    await expect(cell).toHaveText('0');
    await expect(cell).toHaveAttribute('data-vip-presence-status', 'live');
    await expect(peak).toHaveText('Peak 1');

    // What the server kept: a fresh list (the plugin caches the read API's answer for 15 s) shows
    // the peak, when it was reached, and the view.
    await expect(async () => {
      await adminPage.reload();
      await expect(peak).toHaveText('Peak 1', { timeout: 1_000 });
      await expect(row.locator('.vip-presence-column-views')).toHaveText('1 view', {
        timeout: 1_000,
      });
    }).toPass({ timeout: 45_000, intervals: [5_000] });
    await expect(peak).toHaveAttribute('title', /^Most readers at once, first on .+/);
    await expect(cell).toHaveText('0');
    checkCredentials();
  });

  test('should keep "Most read right now" on the dashboard live, without a reload', async ({
    adminPage,
    page,
    newReader,
    requestUtils,
  }) => {
    test.setTimeout(150_000);
    const checkCredentials = guardCredentials(adminPage);
    const [popular, quieter, later] = await requestUtils.createContent([
      { title: 'Popular right now', content: '<p>Two readers.</p>' },
      { title: 'Quieter right now', content: '<p>One reader, then three.</p>' },
      { title: 'Read later', content: '<p>Read while the dashboard is open.</p>' },
    ]);
    await page.goto(popular!.link);
    await expectWidget(widget(page), ONLY_ONE_HERE);
    const second = await newReader();
    await second.goto(popular!.link);
    await expectWidget(widget(second), othersViewing(1));
    const third = await newReader();
    await third.goto(quieter!.link);
    await expectWidget(widget(third), ONLY_ONE_HERE);

    // The plugin caches the server's answer for 15 s: an older answer may still be served
    // (a retry of this test), so look again until it is fresh.
    const box = adminPage.locator('#vip_presence_top_posts');
    await expect(async () => {
      await adminPage.goto('/wp-admin/index.php');
      await expect(box.locator('h2')).toHaveText('Most read right now', { timeout: 1_000 });
      const titles = await listedTitles(adminPage);
      expect(titles.indexOf('Popular right now'), JSON.stringify(titles)).toBeGreaterThanOrEqual(0);
      expect(titles.indexOf('Quieter right now'), JSON.stringify(titles)).toBeGreaterThan(
        titles.indexOf('Popular right now'),
      );
      await expect(
        listItem(adminPage, 'Popular right now').locator('.vip-presence-top-posts-count'),
      ).toHaveText('2 people reading', { timeout: 1_000 });
    }).toPass({ timeout: 45_000, intervals: [5_000] });
    await expect(box.getByRole('link', { name: 'Popular right now' })).toHaveAttribute(
      'href',
      popular!.link,
    );
    await expect(
      listItem(adminPage, 'Popular right now').locator('.vip-presence-top-posts-totals'),
    ).toHaveText('Peak 2 · 2 views');
    await expect(
      listItem(adminPage, 'Quieter right now').locator('.vip-presence-top-posts-count'),
    ).toHaveText('1 person reading');

    // From here on the dashboard is never reloaded. Two more readers of the quieter post: it
    // passes the popular one, its count and peak follow, through the SDK.
    const navigations: string[] = [];
    adminPage.on('framenavigated', (frame) => {
      if (frame === adminPage.mainFrame()) navigations.push(frame.url());
    });
    const fourth = await newReader();
    await fourth.goto(quieter!.link);
    const fifth = await newReader();
    await fifth.goto(quieter!.link);
    await expectWidget(widget(fifth), othersViewing(2));
    const quieterItem = listItem(adminPage, 'Quieter right now');
    await expect(quieterItem.locator('.vip-presence-top-posts-count')).toHaveText(
      '3 people reading',
    );
    // The peak follows live; views come with the next answer of WordPress (checked below).
    await expect(quieterItem.locator('.vip-presence-top-posts-totals')).toHaveText(/^Peak 3 · /);
    await expect
      .poll(() => listedTitles(adminPage))
      .toEqual(expect.arrayContaining(['Quieter right now', 'Popular right now']));
    const titles = await listedTitles(adminPage);
    expect(titles.indexOf('Quieter right now')).toBeLessThan(titles.indexOf('Popular right now'));

    // The popular post's readers leave: it drops out of the list.
    await page.close();
    await second.close();
    await expect(listItem(adminPage, 'Popular right now')).toHaveCount(0);
    await expect(quieterItem.locator('.vip-presence-top-posts-count')).toHaveText(
      '3 people reading',
    );

    // A post that starts being read appears: the list is asked again from WordPress every 15 s,
    // whose answer is at most 15 s old.
    const sixth = await newReader();
    await sixth.goto(later!.link);
    await expectWidget(widget(sixth), ONLY_ONE_HERE);
    await expect(
      listItem(adminPage, 'Read later').locator('.vip-presence-top-posts-count'),
    ).toHaveText('1 person reading', { timeout: 45_000 });
    // That answer came after the quieter post's new readers: their views are in it.
    await expect(quieterItem.locator('.vip-presence-top-posts-totals')).toHaveText(
      'Peak 3 · 3 views',
    );
    expect(navigations, 'the dashboard was never reloaded').toEqual([]);
    checkCredentials();
  });
});

test.describe('Admin, on a dashboard left open past its nonce', () => {
  // The one request refused for its expired nonce, which the page recovers from.
  test.use({ allowedConsoleErrors: [REFUSED_ROUTE_CONSOLE_ERROR] });

  test('should keep asking for "Most read right now" once the nonce the dashboard was opened with has expired', async ({
    adminPage,
  }) => {
    // The list asked again every 5 s instead of 15.
    await adminPage.goto('/wp-admin/index.php?vip-presence-e2e-refresh=5');
    const root = adminPage.locator('#vip_presence_top_posts .vip-presence-top');
    await expect(root).toHaveAttribute('data-vip-presence-refreshes', /^[1-9]/, {
      timeout: 20_000,
    });

    await expectRecoveryFromExpiredNonce(adminPage, root, /\/vip-presence\/v1\/top\b/);
  });
});
