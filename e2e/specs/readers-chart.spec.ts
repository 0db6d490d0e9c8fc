import { writeFile } from 'node:fs/promises';
import type { Locator, Page, TestInfo } from '@playwright/test';
import { expect, test } from '../support/fixtures.js';
import {
  REFUSED_ROUTE_CONSOLE_ERROR,
  expectRecoveryFromExpiredNonce,
} from '../support/expired-nonce.js';
import type { RequestUtils } from '../support/request-utils.js';
import {
  expectWidget,
  liveCounts,
  othersViewing,
  readersSeries,
  widget,
} from '../support/presence.js';

const PIXEL = Buffer.from('R0lGODlhAQABAAAAACH5BAEAAAAALAAAAAABAAEAAAIBAAA=', 'base64');

/** What the route gives the chart: the server's last 1,440 buckets. */
const CHART_BUCKETS = 1_440;
/** The e2e server's bucket (global-setup.ts): 1,440 of them are 4 hours. */
const BUCKET_MS = Number(process.env.E2E_SERIES_BUCKET_MS ?? 60_000);
const PERIOD_HOURS = (CHART_BUCKETS * BUCKET_MS) / 3_600_000;
/** React 18.3's warning in every block editor of WordPress 6.7-alpha (below). */
const CREATE_ROOT_WARNING = /You are importing createRoot from "react-dom"/;
/** The panel's name in the editor's preferences: plugin name / panel name. */
const READERS_PANEL = 'vip-presence-readers/vip-presence-readers';

/*
 * "Readers over time" in the post editor (the plugin's includes/readers-chart.php): real readers
 * read a published post, the presence server records them per bucket (10 s buckets in the e2e
 * server, see global-setup.ts), and the block editor's document settings panel and the classic
 * editor's box beside the publish box both draw the post's series through WordPress's route, with
 * its peak marked and a summary for screen readers. A screenshot of each chart is attached to the
 * report and kept in the run's test-results folder.
 */
test.describe('Readers over time in the post editor', () => {
  // WordPress 6.7-alpha's own wp-element (wp-includes/js/dist/element.js re-exports react-dom's
  // createRoot) makes React 18.3 warn in every block editor of that build; not the plugin's code.
  test.use({ allowedConsoleErrors: [CREATE_ROOT_WARNING] });

  test("should chart the post's readers, their peak and a summary in the block and the classic editor", async ({
    requestUtils,
    newReader,
    adminPage,
  }, testInfo) => {
    // Up to two buckets for the server to record three readers, two editor loads on Playground.
    test.setTimeout(180_000);
    const post = await requestUtils.createPost({ title: 'Read over time' });

    // Three readers at once, each a visitor of their own.
    const readers: Page[] = [];
    for (let i = 0; i < 3; i += 1) {
      const reader = await newReader();
      await reader.goto(post.link);
      readers.push(reader);
    }
    await expectWidget(widget(readers[2]!), othersViewing(2));
    // The server's heartbeat records them: a finished bucket (not the current one, which a read
    // fills with the live count) holds the three.
    await expect
      .poll(async () => (await readersSeries(post.id, 10)).max.slice(0, -1).includes(3), {
        timeout: 3 * BUCKET_MS + 10_000,
        intervals: [1_000],
      })
      .toBe(true);
    // Then one leaves: readers now (2) and the peak (3) differ.
    await readers[2]!.context().close();
    await expect.poll(async () => (await liveCounts([post.id]))[post.id]).toBe(2);

    /** When the three were first there, as the chart marks it (the first bucket with them). */
    const peakAt = async () => {
      const series = await readersSeries(post.id, CHART_BUCKETS);
      return series.from + series.max.indexOf(3) * series.bucketMs;
    };

    // The block editor: the document settings sidebar's panel, open.
    await adminPage.route('https://s.w.org/**', (route) =>
      route.fulfill({ contentType: 'image/gif', body: PIXEL }),
    );
    // No deprecation of the panel's component (wp.editPost's on WordPress 6.6+) in the console.
    const deprecations: string[] = [];
    adminPage.on('console', (message) => {
      if (/PluginDocumentSettingPanel/.test(message.text())) deprecations.push(message.text());
    });
    await openReadersPanelByDefault(requestUtils);
    await adminPage.goto(`/wp-admin/post.php?post=${post.id}&action=edit`);
    await expect(adminPage.getByRole('button', { name: 'Readers over time' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    const panelChart = adminPage.locator('.vip-presence-readers-panel .vip-presence-readers-chart');
    await expectChart(panelChart, await peakAt());
    await keepScreenshot(
      testInfo,
      'readers-chart-block-editor.png',
      adminPage.locator('.vip-presence-readers-panel'),
    );

    // The classic editor (the helper plugin turns the block editor off for this request): the box
    // beside the publish box.
    await adminPage.goto(
      `/wp-admin/post.php?post=${post.id}&action=edit&vip-presence-e2e-editor=classic`,
    );
    await expect(adminPage.locator('#submitdiv')).toBeVisible();
    const box = adminPage.locator('#vip-presence-readers');
    await expect(box.locator('.hndle, .postbox-header h2').first()).toHaveText('Readers over time');
    await expectChart(box.locator('.vip-presence-readers-chart'), await peakAt());
    await keepScreenshot(testInfo, 'readers-chart-classic-editor.png', box);
    expect(deprecations).toEqual([]);
  });
});

test.describe('Readers over time, in an editor left open past its nonce', () => {
  // The one request refused for its expired nonce, which the page recovers from. (A list of two
  // RegExps would be read as Playwright's [value, options] tuple; the classic editor has no React
  // warning to allow.)
  test.use({ allowedConsoleErrors: [REFUSED_ROUTE_CONSOLE_ERROR] });

  test('should keep the chart current once the nonce the editor was opened with has expired', async ({
    requestUtils,
    adminPage,
  }) => {
    const post = await requestUtils.createPost({ title: 'Left open overnight' });
    // The classic editor's box (the block editor's own requests renew their nonce the same way),
    // asking again every 5 s instead of every minute.
    await adminPage.goto(
      `/wp-admin/post.php?post=${post.id}&action=edit&vip-presence-e2e-editor=classic&vip-presence-e2e-refresh=5`,
    );
    const chart = adminPage.locator('#vip-presence-readers .vip-presence-readers-chart');
    await expect(chart).toHaveAttribute('data-vip-presence-status', 'ok', { timeout: 30_000 });

    await expectRecoveryFromExpiredNonce(
      adminPage,
      chart,
      new RegExp(`/vip-presence/v1/posts/${post.id}/readers`),
    );
    await expect(chart.locator('.vip-presence-readers-chart-error')).toHaveCount(0);
  });
});

/**
 * Sets the admin's block editor preferences as the editor itself saves them (the user meta
 * `persisted_preferences`, WordPress 6.1+): no welcome guide over the editor in a fresh browser,
 * and the "Readers over time" panel open (the list is `core/edit-post`'s on 6.1, `core`'s on newer).
 */
async function openReadersPanelByDefault(requestUtils: RequestUtils): Promise<void> {
  const openPanels = ['post-status', `${READERS_PANEL}`];
  await requestUtils.rest('POST', '/wp/v2/users/me', {
    meta: {
      persisted_preferences: {
        core: { openPanels },
        'core/edit-post': { welcomeGuide: false, openPanels },
        _modified: new Date().toISOString(),
      },
    },
  });
}

/**
 * Checks that a chart draws the readers of the test: 2 now, a peak of 3 when they were three
 * (marked with its time), the buckets before the post's first reader as a gap, time ticks, and the
 * summary screen readers get in the site's time zone (UTC on the e2e site).
 */
async function expectChart(chart: Locator, peakAt: number): Promise<void> {
  // WordPress answers the route among the editor's own requests, one at a time on Playground.
  await expect(chart).toHaveAttribute('data-vip-presence-status', 'ok', { timeout: 30_000 });
  await expect(chart).toHaveAttribute('data-vip-presence-peak', '3');
  await expect(chart).toHaveAttribute('data-vip-presence-count', '2');
  const time = new Intl.DateTimeFormat('en-US', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  }).format(peakAt);
  await expect(chart.locator('.vip-presence-readers-chart-peak-label')).toHaveText(
    `Peak 3 at ${time}`,
  );
  await expect(chart.locator('.vip-presence-readers-chart-peak')).toHaveCount(1);
  const svg = chart.locator('svg.vip-presence-readers-chart-svg');
  await expect(svg).toHaveAttribute('aria-hidden', 'true');
  await expect(svg).toBeVisible();
  // The line starts where the post's history does, far right of 4 hours, not at 0 on the left.
  const line = (await chart.locator('.vip-presence-readers-chart-line').getAttribute('d')) ?? '';
  const firstX = Number(/^M([\d.]+) /.exec(line)?.[1]);
  expect(firstX).toBeGreaterThan(200);
  expect(await chart.locator('.vip-presence-readers-chart-tick').count()).toBeGreaterThanOrEqual(2);
  await expect(chart.locator('.vip-presence-readers-chart-summary')).toHaveText(
    new RegExp(
      `^Readers in the last ${PERIOD_HOURS} hours: now 2, peak 3 at ${time} UTC\\. Readership is (rising|falling|steady)\\.$`,
    ),
  );
  // For screen readers only (WordPress's screen-reader-text: clipped to one pixel).
  await expect(chart.locator('.vip-presence-readers-chart-summary')).toHaveClass(
    /\bscreen-reader-text\b/,
  );
}

/** Attaches a screenshot of a chart to the report and keeps it in the run's test-results folder. */
async function keepScreenshot(testInfo: TestInfo, name: string, locator: Locator): Promise<void> {
  const body = await locator.screenshot();
  const file = testInfo.outputPath(name);
  await writeFile(file, body);
  await testInfo.attach(name, { body, contentType: 'image/png' });
}
