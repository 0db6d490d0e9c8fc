import { expect, test } from '../support/fixtures.js';
import { ONLY_ONE_HERE, expectWidget, othersViewing, widget } from '../support/presence.js';

/*
 * The presence server is optional for reading: while it is down, posts load as usual, with no
 * console errors but the browser's own report of each failed WebSocket attempt, and the widget
 * goes quiet (empty, never a stale count). When it comes back (same port, same Redis), every open
 * page reconnects by itself and shows the right count again, without a reload.
 */
const serverPort = new URL(process.env.E2E_SERVER_URL ?? 'http://127.0.0.1:0').port;
// Chromium logs each refused WebSocket connection as a console error; nothing else may show up.
const WEBSOCKET_REFUSED = new RegExp(
  `^\\[[^\\]]+\\] console\\.error: WebSocket connection to 'ws://127\\.0\\.0\\.1:${serverPort}/socket\\.io/\\?EIO=4&transport=websocket' failed: `,
);

test.describe('Presence server outage', () => {
  test.use({ allowedConsoleErrors: [WEBSOCKET_REFUSED] });

  test('should keep posts working while the server is down and recover counts without a reload', async ({
    page: before,
    newReader,
    presenceServer,
    requestUtils,
  }) => {
    test.setTimeout(90_000);
    const post = await requestUtils.createPost({
      title: 'Through an outage',
      content: '<p>Still readable.</p>',
    });
    await before.goto(post.link);
    await expectWidget(widget(before), ONLY_ONE_HERE);
    await before.evaluate(() => {
      (window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true;
    });

    await presenceServer.stop();
    // The open page goes quiet.
    await expect(widget(before)).toHaveAttribute('data-vip-presence-status', 'offline');
    await expect(widget(before)).toHaveText('');

    // A reader arriving during the outage gets the post, and an empty widget.
    const during = await newReader();
    const response = await during.goto(post.link);
    expect(response?.status()).toBe(200);
    await expect(during.getByRole('heading', { name: 'Through an outage' })).toBeVisible();
    await expect(during.getByText('Still readable.')).toBeVisible();
    await expect(widget(during)).toHaveCount(1);
    await expect(widget(during)).toHaveAttribute(
      'data-vip-presence-status',
      /^(connecting|offline)$/,
    );
    await expect(widget(during)).toHaveText('');

    await presenceServer.start();
    // Both pages reconnect by themselves (the SDK's backoff: up to 10 s, +50 % jitter).
    await expectWidget(widget(before), othersViewing(1), { timeout: 30_000 });
    await expectWidget(widget(during), othersViewing(1), { timeout: 30_000 });
    expect(
      await before.evaluate(
        () => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage,
      ),
    ).toBe(true);
  });
});
