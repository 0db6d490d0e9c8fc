import { expect, test } from '../support/fixtures.js';

test.describe('WordPress', () => {
  test('should run the WordPress version this run is for', async ({ page }) => {
    // Set by global-setup.ts from the running WordPress, checked there against the expected one.
    const version = process.env.E2E_WP_VERSION ?? '';
    expect(version, 'E2E_WP_VERSION from the global setup').not.toBe('');
    const expected = process.env.E2E_WP_EXPECT_VERSION ?? '';
    expect(version.startsWith(expected), `${version} starts with ${expected}`).toBe(true);
    await page.goto('/');
    // What the site itself says to its readers.
    await expect(page.locator('meta[name="generator"]')).toHaveAttribute(
      'content',
      `WordPress ${version}`,
    );
    test.info().annotations.push({ type: 'WordPress', description: version });
    console.log(`WordPress ${version} (core "${process.env.E2E_WP_CORE}")`);
  });

  test('should serve WordPress with the plugin active', async ({ requestUtils, adminPage }) => {
    const plugins = await requestUtils.getPlugins();
    const plugin = plugins.find((candidate) => candidate.textdomain === 'vip-presence');
    expect(
      plugin,
      `vip-presence among the plugins: ${plugins.map((p) => p.plugin).join(', ')}`,
    ).toBeDefined();
    expect(plugin?.status).toBe('active');

    await adminPage.goto('/wp-admin/plugins.php');
    const row = adminPage.locator(`tr[data-plugin="${plugin?.plugin}.php"]`);
    await expect(row).toHaveClass(/\bactive\b/);
    await expect(row).toContainText(plugin?.name ?? 'VIP Presence');
  });

  test('should keep readers anonymous and log the admin in', async ({
    page,
    newReader,
    adminPage,
    requestUtils,
  }) => {
    const post = await requestUtils.createPost({
      title: 'Fixture check',
      content: '<p>Hello, readers.</p>',
    });

    await page.goto(post.link);
    await expect(page.getByRole('heading', { name: 'Fixture check' })).toBeVisible();
    await expect(page.locator('#wpadminbar')).toHaveCount(0);

    const other = await newReader();
    await other.goto(post.link);
    await expect(other.locator('#wpadminbar')).toHaveCount(0);

    await adminPage.goto(post.link);
    await expect(adminPage.locator('#wpadminbar')).toBeVisible();

    await requestUtils.deletePost(post.id);
  });
});
