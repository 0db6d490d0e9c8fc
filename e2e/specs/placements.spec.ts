import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import {
  ONLY_ONE_HERE,
  expectWidget,
  liveCounts,
  liveTexts,
  othersViewing,
  widget,
} from '../support/presence.js';
import type { CreatedPost } from '../support/request-utils.js';

/*
 * Every way of placing the widget (DESIGN.md, point 15) renders one working widget: it counts the
 * reader of the post (mode "view", its token printed), goes live and says so. The template tag
 * is used by the helper plugin's page template (plugins/vip-presence-e2e-helpers/templates/).
 */
const TEMPLATE_TAG_TEMPLATE = 'vip-presence-e2e-template-tag.php';

interface Content {
  autoInserted: CreatedPost;
  block: CreatedPost;
  shortcode: CreatedPost;
  templateTag: CreatedPost;
  watching: CreatedPost;
}

/** Checks that `page` has exactly one widget, of `post`, counting the reader, and live. */
async function expectOneCountingWidget(page: Page, post: CreatedPost): Promise<void> {
  const only = widget(page);
  await expect(only).toHaveCount(1);
  await expect(only).toHaveAttribute('data-vip-presence-post-id', String(post.id));
  await expect(only).toHaveAttribute('data-vip-presence-mode', 'view');
  await expect(only).toHaveAttribute('aria-live', 'polite');
  await expectWidget(only, ONLY_ONE_HERE);
  expect(await liveCounts([post.id])).toEqual({ [post.id]: 1 });
}

test.describe('Widget placements', () => {
  let content: Content;

  test.beforeAll(async ({ requestUtils }) => {
    const [autoInserted, block, shortcode, templateTag] = await requestUtils.createContent([
      {
        title: 'Placed by auto-insert',
        content: '<!-- wp:paragraph --><p>Auto-inserted after this.</p><!-- /wp:paragraph -->',
      },
      {
        title: 'Placed by the block',
        content:
          '<!-- wp:paragraph --><p>The block follows.</p><!-- /wp:paragraph -->\n\n' +
          '<!-- wp:vip-presence/live-viewers /-->',
      },
      {
        title: 'Placed by the shortcode',
        content: '<p>The shortcode follows.</p>\n\n[vip_presence]',
      },
      { type: 'pages', title: 'Placed by the template tag', template: TEMPLATE_TAG_TEMPLATE },
    ]);
    const watching = await requestUtils.createPage({
      title: 'Watching another post',
      content: `<p>Readers of the auto-insert post:</p>\n\n[vip_presence post_id=${autoInserted!.id}]`,
    });
    content = {
      autoInserted: autoInserted!,
      block: block!,
      shortcode: shortcode!,
      templateTag: templateTag!,
      watching,
    };
  });

  test('should render a working widget after the content of a post (auto-insert)', async ({
    page,
  }) => {
    await page.goto(content.autoInserted.link);
    await expectOneCountingWidget(page, content.autoInserted);
    const after = await widget(page).evaluate((element) => {
      const paragraph = Array.from(document.querySelectorAll('p')).find((p) =>
        p.textContent?.includes('Auto-inserted after this.'),
      );
      return Boolean(
        paragraph && paragraph.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING,
      );
    });
    expect(after, 'the widget follows the content').toBe(true);
  });

  test('should render a working widget from the block', async ({ page }) => {
    await page.goto(content.block.link);
    await expectOneCountingWidget(page, content.block);
    await expect(widget(page)).toHaveClass(/\bwp-block-vip-presence-live-viewers\b/);
  });

  test('should render a working widget from the shortcode', async ({ page }) => {
    await page.goto(content.shortcode.link);
    await expectOneCountingWidget(page, content.shortcode);
  });

  test('should render a working widget from the template tag', async ({ page }) => {
    await page.goto(content.templateTag.link);
    await expect(page.locator('body')).toHaveClass(/\bvip-presence-e2e-template-tag\b/);
    await expectOneCountingWidget(page, content.templateTag);
  });

  test('should show the readers of another post without counting the watcher (shortcode with post_id)', async ({
    page: reader,
    newReader,
  }) => {
    const post = content.autoInserted;
    await reader.goto(post.link);
    await expectWidget(widget(reader), ONLY_ONE_HERE);

    const watcher = await newReader();
    await watcher.goto(content.watching.link);
    const watching = widget(watcher);
    await expect(watching).toHaveCount(1);
    await expect(watching).toHaveAttribute('data-vip-presence-post-id', String(post.id));
    await expect(watching).toHaveAttribute('data-vip-presence-mode', 'watch');
    await expectWidget(watching, othersViewing(1));
    // The watcher is not counted: the reader is still alone, and always was.
    expect(await liveCounts([post.id])).toEqual({ [post.id]: 1 });
    expect(await liveTexts(reader)).toEqual([ONLY_ONE_HERE]);
    // No token is printed for a post the page only watches.
    expect(
      await watcher.evaluate(
        () =>
          (window as unknown as { vipPresenceSettings: { tokens: Record<string, string> } })
            .vipPresenceSettings.tokens,
      ),
    ).toEqual({});

    await reader.close();
    // Nobody left on the post: a watcher has nothing to say.
    await expectWidget(watching, '', { timeout: 1_000 });
  });
});
