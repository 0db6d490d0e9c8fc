import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '../support/fixtures.js';
import { ONLY_ONE_HERE, expectWidget, widget } from '../support/presence.js';
import type { PluginInfo, RequestUtils } from '../support/request-utils.js';

/*
 * The release artifact: `npm run plugin-zip -w @vip-presence/wordpress-plugin` makes a zip that a
 * site admin uploads (Plugins > Add New > Upload Plugin) and activates. The suite's WordPress
 * already runs the plugin from the mapped source folder (wp-content/plugins/wordpress-plugin/);
 * the zip installs into its own folder (wp-content/plugins/vip-presence/), so the mapped copy is
 * deactivated first (both at once would declare the same functions), and everything is put back
 * afterwards: the installed copy deactivated and deleted, the mapped one active again.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const INSTALLED = 'vip-presence/vip-presence';

/** Puts the site back: the installed copy deactivated and deleted, the mapped one active. */
async function restore(requestUtils: RequestUtils, mapped: string): Promise<void> {
  // Each step may have nothing to do (the test failed before the install): a 404 is fine then.
  const ignoreMissing = (error: unknown) => {
    if (!/answered 404/.test(String(error))) throw error;
  };
  await requestUtils
    .rest('POST', `/wp/v2/plugins/${INSTALLED}`, { status: 'inactive' })
    .catch(ignoreMissing);
  await requestUtils.rest('DELETE', `/wp/v2/plugins/${INSTALLED}`).catch(ignoreMissing);
  const restored = await requestUtils.rest<PluginInfo>('POST', `/wp/v2/plugins/${mapped}`, {
    status: 'active',
  });
  expect(restored.status, `${mapped} active again`).toBe('active');
}

test.describe('Plugin zip', () => {
  test('should install from Plugins > Add New > Upload and activate without errors', async ({
    adminPage,
    page: reader,
    requestUtils,
  }, testInfo) => {
    test.setTimeout(120_000);
    const zip = testInfo.outputPath('vip-presence.zip');
    await promisify(execFile)(
      'npm',
      ['run', 'plugin-zip', '-w', '@vip-presence/wordpress-plugin', '--', zip],
      { cwd: ROOT, timeout: 60_000 },
    );

    const mapped = (await requestUtils.getPlugins()).find(
      (plugin) => plugin.textdomain === 'vip-presence' && plugin.status === 'active',
    );
    expect(mapped, 'the mapped plugin is active').toBeDefined();
    expect(mapped?.plugin).not.toBe(INSTALLED);
    const post = await requestUtils.createPost({
      title: 'Served by the installed zip',
      content: '<p>Hello from the zip.</p>',
    });

    try {
      await requestUtils.rest('POST', `/wp/v2/plugins/${mapped!.plugin}`, { status: 'inactive' });

      await adminPage.goto('/wp-admin/plugin-install.php?tab=upload');
      await adminPage.locator('#pluginzip').setInputFiles(zip);
      await adminPage.getByRole('button', { name: 'Install Now' }).click();
      await expect(adminPage.locator('.wrap')).toContainText('Plugin installed successfully.');
      await adminPage.getByRole('link', { name: 'Activate Plugin' }).click();

      await expect(adminPage.locator('#message')).toContainText('Plugin activated.');
      await expect(adminPage.locator('body')).not.toContainText('fatal error');
      const row = adminPage.locator(`tr[data-plugin="${INSTALLED}.php"]`);
      await expect(row).toHaveClass(/\bactive\b/);
      await expect(row).toContainText('VIP Presence');
      await expect(adminPage.locator(`tr[data-plugin="${mapped!.plugin}.php"]`)).toHaveClass(
        /\binactive\b/,
      );

      // Readers get the widget, live, from the installed copy's build.
      await reader.goto(post.link);
      await expectWidget(widget(reader), ONLY_ONE_HERE);
      await expect(
        reader.locator('script[src*="/wp-content/plugins/vip-presence/build/widget.js"]'),
      ).toHaveCount(1);
    } finally {
      await restore(requestUtils, mapped!.plugin);
    }
  });
});
