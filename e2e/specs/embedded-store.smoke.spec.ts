import { expect, test } from '../support/fixtures.js';
import {
  ONLY_ONE_HERE,
  expectWidget,
  liveCounts,
  othersViewing,
  widget,
} from '../support/presence.js';

/*
 * Smoke test of the server's embedded in-memory store (no Redis, in-process sweeper): run by the
 * "embedded-store" project, whose readers the helper plugin sends to the run's embedded-store
 * server (E2E_EMBEDDED_SERVER_URL).
 */
test.describe('Embedded store', () => {
  test('should show readers each other, and a leave within 1 s', async ({
    page: first,
    newReader,
    presenceStore,
    requestUtils,
  }) => {
    const embedded = process.env.E2E_EMBEDDED_SERVER_URL ?? '';
    const post = await requestUtils.createPost({
      title: 'On the embedded store',
      content: '<p>No Redis here.</p>',
    });

    await first.goto(post.link);
    await expectWidget(widget(first), ONLY_ONE_HERE);
    if (presenceStore === 'embedded') {
      expect(
        await first.evaluate(
          () =>
            (window as unknown as { vipPresenceSettings: { url: string } }).vipPresenceSettings.url,
        ),
      ).toBe(embedded);
    }

    const second = await newReader();
    await second.goto(post.link);
    await expectWidget(widget(second), othersViewing(1));
    await expect(widget(first)).toHaveText(othersViewing(1), { timeout: 1_000 });
    expect(await liveCounts([post.id], embedded)).toEqual({ [post.id]: 2 });

    await second.close();
    await expect(widget(first)).toHaveText(ONLY_ONE_HERE, { timeout: 1_000 });
  });
});
