import { expect, test } from '../support/fixtures.js';
import { ONLY_ONE_HERE, expectWidget, othersViewing, widget } from '../support/presence.js';

/*
 * Content added after load (infinite scroll, AJAX; P9 item 6): a widget appended to the page is
 * filled and counts its reader, with a token the page never printed (the SDK gets it from
 * WordPress), and a widget that leaves the page stops counting.
 */
test.describe('Widgets added later', () => {
  test('should count a widget appended after load, and stop when it is removed', async ({
    page: scroller,
    newReader,
    requestUtils,
  }) => {
    const [first, next] = await requestUtils.createContent([
      { type: 'posts', title: 'First of the feed', content: '<p>Scroll on.</p>' },
      { type: 'posts', title: 'Loaded by infinite scroll', content: '<p>Appended.</p>' },
    ]);
    const reader = await newReader();
    await reader.goto(next!.link);
    await expectWidget(widget(reader), ONLY_ONE_HERE);

    await scroller.goto(first!.link);
    await expectWidget(widget(scroller, first!.id), ONLY_ONE_HERE);
    // The next post arrives as a fragment, the way an infinite-scroll script inserts it.
    await scroller.evaluate((postId) => {
      const article = document.createElement('article');
      article.id = 'appended-later';
      article.innerHTML = `<div class="vip-presence-widget" data-vip-presence-post-id="${postId}" data-vip-presence-mode="view" aria-live="polite"></div>`;
      document.body.appendChild(article);
    }, next!.id);

    await expectWidget(widget(scroller, next!.id), othersViewing(1));
    await expectWidget(widget(reader), othersViewing(1));

    await scroller.evaluate(() => document.getElementById('appended-later')?.remove());
    await expectWidget(widget(reader), ONLY_ONE_HERE);
    // The first post's widget keeps counting its reader.
    await expectWidget(widget(scroller, first!.id), ONLY_ONE_HERE);
    expect(
      await scroller.evaluate(
        () =>
          typeof (window as { vipPresence?: { fillWidgets?: unknown } }).vipPresence?.fillWidgets,
      ),
    ).toBe('function');
  });
});
