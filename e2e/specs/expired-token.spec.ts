import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import {
  ONLY_ONE_HERE,
  expectWidget,
  metric,
  othersViewing,
  parseV2Token,
  widget,
  wordpressSiteKey,
} from '../support/presence.js';

/*
 * A page older than its token still counts (DESIGN.md, point 22): a full-page cache may serve HTML
 * whose printed view token has expired. The SDK gets a fresh one from the plugin's route
 * GET /wp-json/vip-presence/v1/tokens and joins again; the route gives none for a draft.
 */

/** Makes the helper plugin print tokens that expired an hour ago on this reader's pages. */
async function readCachedCopies(reader: Page): Promise<void> {
  const url = process.env.E2E_WP_URL ?? '';
  await reader.context().addCookies([{ name: 'vip_presence_e2e_token', value: 'expired', url }]);
}

/** The token the page printed for the post (what the SDK read first). */
function printedToken(reader: Page, postId: number): Promise<string | undefined> {
  return reader.evaluate(
    (id) =>
      (window as unknown as { vipPresenceSettings?: { tokens?: Record<string, string> } })
        .vipPresenceSettings?.tokens?.[id],
    String(postId),
  );
}

test.describe('Expired view tokens', () => {
  test('should count readers of a page older than its token within 3 s', async ({
    page: first,
    newReader,
    requestUtils,
  }) => {
    const post = await requestUtils.createPost({
      title: 'Served from a page cache',
      content: '<p>Rendered long ago.</p>',
    });
    const second = await newReader();
    const refusals = await metric('vip_presence_refusals_total', { code: 'token_expired' });

    for (const [reader, text] of [
      [first, ONLY_ONE_HERE],
      [second, othersViewing(1)],
    ] as const) {
      await readCachedCopies(reader);
      const refreshed = reader.waitForResponse((response) =>
        response.url().includes('vip-presence/v1/tokens'),
      );
      // From the moment the page is shown: WordPress's own render time (slow in Playground's
      // PHP-WASM, a cache hit in production) is not the SDK's.
      await reader.goto(post.link, { waitUntil: 'domcontentloaded' });
      const started = Date.now();
      await expectWidget(widget(reader), text, { timeout: 3_000 });
      expect(Date.now() - started, 'live within 3 s of the page being shown').toBeLessThan(3_000);

      const printed = parseV2Token(await printedToken(reader, post.id));
      expect(printed, 'the page printed a token of the post, for its site').toMatchObject({
        site: await wordpressSiteKey(),
        postId: post.id,
      });
      expect(printed!.expiresAt * 1000, 'an expired one').toBeLessThan(Date.now());
      const response = await refreshed;
      expect(response.status()).toBe(200);
      expect(response.headers()['cache-control']).toMatch(/^public, max-age=\d+$/);
      const { tokens } = (await response.json()) as { tokens: Record<string, string> };
      expect(parseV2Token(tokens[post.id])).toMatchObject({
        site: await wordpressSiteKey(),
        postId: post.id,
      });
    }
    await expect(widget(first)).toHaveText(othersViewing(1), { timeout: 1_000 });
    // Both pages were refused once for their expired token, then counted with a fresh one.
    expect(await metric('vip_presence_refusals_total', { code: 'token_expired' })).toBe(
      refusals + 2,
    );
  });

  test('should refuse to give a token for a draft, with a JSON error', async ({
    page,
    requestUtils,
  }) => {
    const draft = await requestUtils.createPost({ title: 'Not out yet', status: 'draft' });
    // The reader's own session (logged out), as the SDK asks.
    const response = await page.request.get(`/wp-json/vip-presence/v1/tokens?posts=${draft.id}`);
    expect(response.status()).toBe(404);
    expect(response.headers()['content-type']).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({
      code: 'vip_presence_post_not_viewable',
      data: { status: 404 },
    });
    const none = await page.request.get('/wp-json/vip-presence/v1/tokens?posts=abc');
    expect(none.status()).toBe(400);
    expect(await none.json()).toMatchObject({ code: 'vip_presence_invalid_posts' });
  });
});
