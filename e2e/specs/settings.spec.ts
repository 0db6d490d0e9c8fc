import { expect, test } from '../support/fixtures.js';
import { widget } from '../support/presence.js';

/*
 * Settings > VIP Presence (DESIGN.md, point 13). The suite's WordPress sets VIP_PRESENCE_SERVER_URL
 * and VIP_PRESENCE_SECRET in wp-config.php, so those two fields are locked; the display options
 * (auto-insert, post types, hide below K, the background tabs minutes) are saved through the form.
 */
const SETTINGS = '/wp-admin/options-general.php?page=vip-presence';
const DEFAULTS = {
  vip_presence_auto_insert: 'after',
  vip_presence_post_types: ['post'],
  vip_presence_hide_below: 0,
  vip_presence_hidden_tabs_minutes: 5,
};

test.describe('Settings page', () => {
  test('should lock the fields set by constants and refuse a bad server URL with a clear message', async ({
    adminPage,
    requestUtils,
  }) => {
    const serverUrl = process.env.E2E_SERVER_URL ?? '';
    await adminPage.goto(SETTINGS);
    await expect(adminPage.locator('h1')).toHaveText('VIP Presence');

    const url = adminPage.locator('#vip_presence_server_url');
    await expect(url).toBeDisabled();
    await expect(url).toHaveValue(serverUrl);
    await expect(adminPage.locator('#vip-presence-server-url-description')).toHaveText(
      'Set by the VIP_PRESENCE_SERVER_URL constant in wp-config.php; change it there.',
    );
    await expect(adminPage.locator('#vip_presence_secret')).toBeDisabled();
    await expect(adminPage.locator('#vip_presence_secret')).toHaveValue('');
    await expect(adminPage.locator('#vip-presence-secret-status')).toHaveText('Status: set');
    await expect(adminPage.locator('#vip-presence-secret-description')).toHaveText(
      'Set by the VIP_PRESENCE_SECRET constant in wp-config.php; change it there.',
    );
    const connection = adminPage.locator('#vip-presence-connection-status');
    // Checked from WordPress's PHP: ready, version, this site's origin allowed, the read API.
    await expect(connection).toHaveAttribute('data-vip-presence-connection', 'ok');
    await expect(connection).toContainText(
      `The presence server at ${serverUrl} is ready and lets browsers on this site connect`,
    );
    await expect(connection).not.toContainText('Connected');

    // A browser never submits a disabled field; a crafted request does, and is still checked.
    await url.evaluate((input: HTMLInputElement) => {
      input.disabled = false;
      input.name = 'vip_presence_server_url';
    });
    await url.fill('ftp://presence.example.com/socket.io');
    await adminPage.getByRole('button', { name: 'Save Changes' }).click();

    await expect(adminPage.locator('#setting-error-vip_presence_invalid_server_url')).toContainText(
      'The server URL was not saved: enter an http:// or https:// address with a host name and no path',
    );
    await expect(adminPage.locator('#setting-error-settings_updated')).toHaveCount(0);
    await expect(url).toBeDisabled();
    await expect(url).toHaveValue(serverUrl);

    // A good URL is refused too while the constant locks the field: stored, it would do nothing
    // until the day the constant goes, and then silently take over.
    await url.evaluate((input: HTMLInputElement) => {
      input.disabled = false;
      input.name = 'vip_presence_server_url';
    });
    await url.fill('https://presence.example.com');
    await adminPage.getByRole('button', { name: 'Save Changes' }).click();
    await expect(adminPage.locator('#setting-error-vip_presence_server_url_locked')).toContainText(
      'The server URL was not saved: it is set by the VIP_PRESENCE_SERVER_URL constant in wp-config.php; change it there.',
    );
    await expect(adminPage.locator('#setting-error-settings_updated')).toHaveCount(0);
    await expect(url).toHaveValue(serverUrl);
    const settings = await requestUtils.rest<Record<string, unknown>>('GET', '/wp/v2/settings');
    expect(settings.vip_presence_server_url).toBe('');
  });

  test('should save the display options and apply them for readers', async ({
    adminPage,
    page: reader,
    requestUtils,
  }) => {
    const page = await requestUtils.createPage({
      title: 'A page with the widget on top',
      content: '<!-- wp:paragraph --><p>Page content.</p><!-- /wp:paragraph -->',
    });
    try {
      await adminPage.goto(SETTINGS);
      await adminPage.getByLabel('Before the content').check();
      await adminPage.getByLabel('Pages', { exact: true }).check();
      await adminPage.getByLabel('Hide counts below').fill('2');
      const hiddenTabs = adminPage.getByLabel('Stop counting background tabs after');
      await expect(hiddenTabs, 'five minutes by default').toHaveValue('5');
      await hiddenTabs.fill('12');
      await adminPage.getByRole('button', { name: 'Save Changes' }).click();

      await expect(adminPage.locator('#setting-error-settings_updated')).toContainText(
        'Settings saved.',
      );
      await expect(adminPage.getByLabel('Before the content')).toBeChecked();
      await expect(adminPage.getByLabel('Posts', { exact: true })).toBeChecked();
      await expect(adminPage.getByLabel('Pages', { exact: true })).toBeChecked();
      await expect(adminPage.getByLabel('Hide counts below')).toHaveValue('2');
      await expect(hiddenTabs).toHaveValue('12');

      // Pages now get the widget, before their content, and it says nothing below 2 others.
      await reader.goto(page.link);
      const only = widget(reader);
      await expect(only).toHaveCount(1);
      await expect(only).toHaveAttribute('data-vip-presence-post-id', String(page.id));
      await expect(only).toHaveAttribute('data-vip-presence-hide-below', '2');
      await expect(only).toHaveAttribute('data-vip-presence-status', 'live');
      await expect(only).toHaveText('');
      const before = await only.evaluate((element) => {
        const paragraph = Array.from(document.querySelectorAll('p')).find(
          (p) => p.textContent === 'Page content.',
        );
        return Boolean(
          paragraph &&
          paragraph.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING,
        );
      });
      expect(before, 'the widget comes before the content').toBe(true);
      // The SDK is told when to stop counting a reader whose tabs are all hidden, in ms.
      expect(
        await reader.evaluate(
          () =>
            (window as unknown as { vipPresenceSettings: { hiddenTimeoutMs: number } })
              .vipPresenceSettings.hiddenTimeoutMs,
        ),
      ).toBe(12 * 60_000);
    } finally {
      await requestUtils.updateSettings(DEFAULTS);
    }
  });
});
