import { expect, test } from '../support/fixtures.js';
import { ONLY_ONE_HERE, expectWidget, othersViewing, widget } from '../support/presence.js';

/*
 * The admin views of live presence (DESIGN.md, point 16): the "Reading now" column of the posts
 * list, filled live by a page that watches without being counted, and the "Most read right now"
 * dashboard widget, rendered from the server's read API (cached by the plugin for 15 s).
 */
test.describe('Admin', () => {
  test('should show live readers in the "Reading now" column of the posts list', async ({
    adminPage,
    page: reader,
    requestUtils,
  }) => {
    const post = await requestUtils.createPost({
      title: 'Watched from the posts list',
      content: '<p>Read me while the editor watches.</p>',
    });

    await adminPage.goto('/wp-admin/edit.php');
    await expect(adminPage.locator('thead th#vip_presence')).toHaveText('Reading now');
    const cell = adminPage.locator(`.vip-presence-column[data-vip-presence-post-id="${post.id}"]`);
    await expect(cell).toHaveAttribute('data-vip-presence-status', 'live');
    await expect(cell).toHaveText('0');

    await reader.goto(post.link);
    // The admin page watches without being counted: the reader is alone.
    await expectWidget(widget(reader), ONLY_ONE_HERE);
    await expect(cell).toHaveText('1');

    await reader.close();
    await expect(cell).toHaveText('0');
    await expect(cell).toHaveAttribute('data-vip-presence-status', 'live');
  });

  test('should list the posts read right now, most read first, on the dashboard', async ({
    adminPage,
    page,
    newReader,
    requestUtils,
  }) => {
    const [popular, quieter] = await requestUtils.createContent([
      { title: 'Popular right now', content: '<p>Two readers.</p>' },
      { title: 'Quieter right now', content: '<p>One reader.</p>' },
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
      const items = await box.locator('ol.vip-presence-top-posts > li').allInnerTexts();
      const popularAt = items.indexOf('Popular right now 2 people reading');
      const quieterAt = items.indexOf('Quieter right now 1 person reading');
      expect(
        popularAt,
        `"Popular right now" listed: ${JSON.stringify(items)}`,
      ).toBeGreaterThanOrEqual(0);
      expect(
        quieterAt,
        `"Quieter right now" listed after it: ${JSON.stringify(items)}`,
      ).toBeGreaterThan(popularAt);
    }).toPass({ timeout: 45_000, intervals: [5_000] });
    await expect(box.getByRole('link', { name: 'Popular right now' })).toHaveAttribute(
      'href',
      popular!.link,
    );
  });
});
