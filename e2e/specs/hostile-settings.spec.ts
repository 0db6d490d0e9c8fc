import { createHash, randomBytes } from 'node:crypto';
import type { APIRequestContext, APIResponse, Page } from '@playwright/test';
import { NO_AUTO_LOGIN_COOKIE, expect, test } from '../support/fixtures.js';
import type { RequestUtils } from '../support/request-utils.js';
import { ONLY_ONE_HERE, expectWidget, widget } from '../support/presence.js';

/*
 * Hostile setting values and refused settings writes (DESIGN.md, points 11 and 13).
 *
 * The suite's WordPress sets VIP_PRESENCE_SERVER_URL and VIP_PRESENCE_SECRET in wp-config.php, so
 * the settings form leaves those two fields out. A crafted request still sends them (the specs
 * enable the fields in the page, as an attacker's form would): the sanitize callbacks still run,
 * refuse a hostile URL with the plugin's message, and store nothing while a constant locks the
 * field. What an unlocked field prints back, escaped, is covered by the plugin's PHPUnit tests
 * (wordpress-plugin/tests/test-hostile-settings.php): this WordPress cannot store such a value.
 */
const SETTINGS = '/wp-admin/options-general.php?page=vip-presence';
const DEFAULTS = {
  vip_presence_auto_insert: 'after',
  vip_presence_post_types: ['post'],
  vip_presence_hide_below: 0,
  vip_presence_hidden_tabs_minutes: 5,
};
/** Every option the plugin registers in its settings group (a new one must be added here). */
const OPTION_NAMES = [
  'vip_presence_api_url',
  'vip_presence_auto_insert',
  'vip_presence_hidden_tabs_minutes',
  'vip_presence_hide_below',
  'vip_presence_post_types',
  'vip_presence_secret',
  'vip_presence_server_url',
];

/** Markup that runs (and opens a dialog) wherever it reaches a page unescaped. */
const SCRIPT_TAG = '"><script id="xss">alert("script tag")</script>';
const IMG_ONERROR = `'"><img class="xss" src="x" onerror="alert('img onerror')">`;
const HOSTILE_URLS = [
  'javascript:alert(1)',
  `https://presence.example.com/"><script id="xss">alert("url")</script>`,
  `https://presence.example.com' autofocus onfocus='alert("url")`,
];
/** Elements and handlers the values above would inject. */
const INJECTED = 'script#xss, img.xss, img[onerror], [onfocus], [onmouseover]';
/** What a page's HTML, as the server sent it, must never contain. */
const RAW_FRAGMENTS = [
  '<script id="xss">',
  '<img class="xss"',
  'onerror="alert',
  "onfocus='alert",
  'javascript:alert',
];
const INVALID_URL_MESSAGE =
  'The server URL was not saved: enter an http:// or https:// address with a host name and no path';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Records every dialog of the pages (an alert() would mean injected script ran) and closes it. */
function recordDialogs(...pages: Page[]): string[] {
  const dialogs: string[] = [];
  for (const page of pages)
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
  return dialogs;
}

function expectHarmlessHtml(html: string, where: string): void {
  for (const fragment of RAW_FRAGMENTS)
    expect(html, `${where}: no raw ${fragment}`).not.toContain(fragment);
}

/** Every string stored in the options, at any depth. */
function storedStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(storedStrings);
  return [];
}

function expectNothingHostileStored(options: Record<string, unknown>): void {
  for (const text of storedStrings(options))
    expect(text, 'a stored option value').toMatch(/^[A-Za-z0-9_.:/-]*$/);
  expect(JSON.stringify(options)).not.toMatch(/javascript:|onerror|xss/i);
}

/** Puts the default display options back and returns what is stored then. */
async function resetSettings(requestUtils: RequestUtils): Promise<Record<string, unknown>> {
  await requestUtils.updateSettings(DEFAULTS);
  return requestUtils.storedOptions();
}

interface CraftedValues {
  serverUrl?: string;
  secret?: string;
  hideBelow?: string;
  hiddenTabs?: string;
  autoInsert?: string;
  postTypes?: string[];
}

/**
 * Turns the settings form on `admin` into an attacker's: the locked fields enabled and named, the
 * number field made text, a radio button and the post type boxes given other values.
 */
async function craftSettingsForm(admin: Page, values: CraftedValues): Promise<void> {
  await admin.locator('form[action="options.php"]').evaluate((form, crafted: CraftedValues) => {
    const input = (selector: string) => {
      const element = form.querySelector<HTMLInputElement>(selector);
      if (!element) throw new Error(`no ${selector} in the settings form`);
      return element;
    };
    if (crafted.serverUrl !== undefined) {
      const url = input('#vip_presence_server_url');
      url.disabled = false;
      url.name = 'vip_presence_server_url';
      url.value = crafted.serverUrl;
    }
    if (crafted.secret !== undefined) {
      const secret = input('#vip_presence_secret');
      secret.disabled = false;
      secret.name = 'vip_presence_secret[value]';
      secret.value = crafted.secret;
    }
    if (crafted.hideBelow !== undefined) {
      const hideBelow = input('#vip_presence_hide_below');
      hideBelow.type = 'text';
      hideBelow.value = crafted.hideBelow;
    }
    if (crafted.hiddenTabs !== undefined) {
      const hiddenTabs = input('#vip_presence_hidden_tabs_minutes');
      hiddenTabs.type = 'text';
      hiddenTabs.value = crafted.hiddenTabs;
    }
    if (crafted.autoInsert !== undefined) {
      const radio = input('input[name="vip_presence_auto_insert"][value="after"]');
      radio.value = crafted.autoInsert;
      radio.checked = true;
    }
    if (crafted.postTypes !== undefined) {
      for (const box of Array.from(
        form.querySelectorAll<HTMLInputElement>('input[type="checkbox"]'),
      ))
        if (box.name === 'vip_presence_post_types[]') box.checked = false;
      for (const name of crafted.postTypes) {
        const hidden = document.createElement('input');
        hidden.type = 'hidden';
        hidden.name = 'vip_presence_post_types[]';
        hidden.value = name;
        form.append(hidden);
      }
    }
  }, values);
}

/** Clicks "Save Changes"; returns the HTML of the settings page it lands on, as sent. */
async function saveSettings(admin: Page): Promise<string> {
  const landed = admin.waitForResponse(
    (response) =>
      response.request().method() === 'GET' &&
      response.url().includes('page=vip-presence') &&
      response.url().includes('settings-updated=true'),
  );
  // The click returns once the navigation it starts has committed (not waitForURL: WordPress
  // takes settings-updated out of the address with history.replaceState as the page loads).
  await admin.getByRole('button', { name: 'Save Changes' }).click();
  const response = await landed;
  await admin.waitForLoadState('load');
  return response.text();
}

/** A settings form as options.php reads it, url-encoded (post types as a list). */
function settingsForm(fields: {
  nonce?: string;
  referer: string;
  autoInsert: string;
  hideBelow: string;
  postTypes: string[];
}): string {
  const form = new URLSearchParams({ option_page: 'vip_presence', action: 'update' });
  if (fields.nonce !== undefined) form.set('_wpnonce', fields.nonce);
  form.set('_wp_http_referer', fields.referer);
  form.set('vip_presence_auto_insert', fields.autoInsert);
  form.set('vip_presence_hide_below', fields.hideBelow);
  for (const name of ['', ...fields.postTypes]) form.append('vip_presence_post_types[]', name);
  return form.toString();
}

function postForm(request: APIRequestContext, form: string): Promise<APIResponse> {
  return request.post('/wp-admin/options.php', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: form,
    maxRedirects: 0,
  });
}

test.describe('Hostile settings', () => {
  test('should refuse hostile values sent through the settings form and render none of them', async ({
    adminPage: admin,
    page: reader,
    requestUtils,
  }) => {
    const serverUrl = process.env.E2E_SERVER_URL ?? '';
    const dialogs = recordDialogs(admin, reader);
    const target = await requestUtils.createPage({
      title: 'Read by a reader after hostile settings',
      content: '<!-- wp:paragraph --><p>Harmless content.</p><!-- /wp:paragraph -->',
    });
    try {
      const before = await resetSettings(requestUtils);
      expect(Object.keys(before).sort(), 'the options this spec covers').toEqual(OPTION_NAMES);

      await admin.goto(SETTINGS);
      await craftSettingsForm(admin, {
        serverUrl: HOSTILE_URLS[0],
        secret: SCRIPT_TAG,
        hideBelow: SCRIPT_TAG,
        hiddenTabs: IMG_ONERROR,
        autoInsert: IMG_ONERROR,
        // Only "page" is a public post type: the rest must be dropped.
        postTypes: ['page', `page${IMG_ONERROR}`, SCRIPT_TAG, 'attachment', 'revision'],
      });
      let html = await saveSettings(admin);

      // Each refusal says why; nothing claims to be saved.
      await expect(admin.locator('#setting-error-vip_presence_invalid_server_url')).toContainText(
        INVALID_URL_MESSAGE,
      );
      await expect(admin.locator('#setting-error-vip_presence_secret_locked')).toContainText(
        'The shared secret was not saved: it is set by the VIP_PRESENCE_SECRET constant in wp-config.php',
      );
      await expect(admin.locator('#setting-error-vip_presence_invalid_hide_below')).toContainText(
        '"Hide counts below" must be a whole number, 0 or more. The previous value was kept.',
      );
      await expect(
        admin.locator('#setting-error-vip_presence_invalid_hidden_tabs_minutes'),
      ).toContainText(
        '"Stop counting background tabs after" must be a whole number of minutes, from 0 to 1440. The previous value was kept.',
      );
      await expect(admin.locator('#setting-error-vip_presence_invalid_auto_insert')).toContainText(
        'Automatic insertion must be "before the content", "after the content" or "off".',
      );
      await expect(admin.locator('#setting-error-settings_updated')).toHaveCount(0);

      // The page renders nothing of what was sent, and its fields show what is stored.
      await expect(admin.locator(INJECTED)).toHaveCount(0);
      expectHarmlessHtml(html, 'the settings page after the save');
      const url = admin.locator('#vip_presence_server_url');
      await expect(url).toBeDisabled();
      await expect(url).toHaveValue(serverUrl);
      await expect(admin.getByLabel('Hide counts below')).toHaveValue('0');
      await expect(admin.getByLabel('Stop counting background tabs after')).toHaveValue('5');
      await expect(admin.getByLabel('After the content')).toBeChecked();
      await expect(admin.getByLabel('Pages', { exact: true })).toBeChecked();
      await expect(admin.getByLabel('Posts', { exact: true })).not.toBeChecked();
      const boxes = admin.locator('input[type="checkbox"][name="vip_presence_post_types[]"]');
      expect(
        await boxes.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value)),
      ).toEqual(['post', 'page']);

      // Server URLs that try to break out of the field's value attribute.
      for (const hostileUrl of HOSTILE_URLS.slice(1)) {
        await craftSettingsForm(admin, { serverUrl: hostileUrl });
        html = await saveSettings(admin);
        await expect(
          admin.locator('#setting-error-vip_presence_invalid_server_url'),
          hostileUrl,
        ).toContainText(INVALID_URL_MESSAGE);
        await expect(admin.locator(INJECTED)).toHaveCount(0);
        expectHarmlessHtml(html, `the settings page after saving ${hostileUrl}`);
        await expect(url).toHaveValue(serverUrl);
      }

      // Stored: the previous values, the one public post type, nothing hostile.
      const stored = await requestUtils.storedOptions();
      expectNothingHostileStored(stored);
      expect(stored.vip_presence_server_url).toBe(before.vip_presence_server_url);
      expect(stored.vip_presence_secret).toEqual(before.vip_presence_secret);
      expect(stored.vip_presence_secret).not.toEqual({ sha256: sha256(SCRIPT_TAG) });
      expect(stored.vip_presence_auto_insert).toBe('after');
      expect(String(stored.vip_presence_hide_below)).toBe('0');
      expect(String(stored.vip_presence_hidden_tabs_minutes)).toBe('5');
      expect(stored.vip_presence_post_types).toEqual(['page']);

      // Readers get a working widget (pages now have it) and nothing else.
      const response = await reader.goto(target.link);
      expectHarmlessHtml((await response?.text()) ?? '', 'the page a reader opens');
      const only = widget(reader);
      await expect(only).toHaveAttribute('data-vip-presence-post-id', String(target.id));
      await expect(only).toHaveAttribute('data-vip-presence-hide-below', '0');
      await expectWidget(only, ONLY_ONE_HERE);
      expect(
        await reader.evaluate(
          () =>
            (window as unknown as { vipPresenceSettings: { url: string } }).vipPresenceSettings.url,
        ),
      ).toBe(serverUrl);
      await expect(reader.locator(INJECTED)).toHaveCount(0);

      expect(dialogs, 'dialogs opened by injected script').toEqual([]);
    } finally {
      await requestUtils.updateSettings(DEFAULTS);
      await requestUtils.deletePost(target.id, 'pages');
    }
  });

  test('should store nothing hostile written through the REST settings endpoint', async ({
    requestUtils,
  }) => {
    try {
      const before = await resetSettings(requestUtils);

      // The URL and the post types are sanitized: refused, and dropped.
      const answer = await requestUtils.updateSettings({
        vip_presence_server_url: HOSTILE_URLS[1],
        vip_presence_post_types: ['page', `page${IMG_ONERROR}`, SCRIPT_TAG, 'attachment'],
        // Not in the REST API at all: ignored.
        vip_presence_secret: SCRIPT_TAG,
      });
      expect(answer.vip_presence_server_url).toBe(before.vip_presence_server_url);
      expect(answer.vip_presence_post_types).toEqual(['page']);
      expect(answer).not.toHaveProperty('vip_presence_secret');

      // A valid URL is not stored either while VIP_PRESENCE_SERVER_URL locks the field.
      await requestUtils.updateSettings({
        vip_presence_server_url: 'https://presence.example.com',
      });

      // K and the position are refused by the REST schema the plugin registers.
      for (const settings of [
        { vip_presence_hide_below: SCRIPT_TAG },
        { vip_presence_hide_below: -1 },
        { vip_presence_hidden_tabs_minutes: SCRIPT_TAG },
        { vip_presence_hidden_tabs_minutes: 1441 },
        { vip_presence_auto_insert: IMG_ONERROR },
      ])
        await expect(
          requestUtils.updateSettings(settings),
          JSON.stringify(settings),
        ).rejects.toThrow(/answered 400: .*rest_invalid_param/);

      const stored = await requestUtils.storedOptions();
      expectNothingHostileStored(stored);
      expect(stored).toEqual({ ...before, vip_presence_post_types: ['page'] });
    } finally {
      await requestUtils.updateSettings(DEFAULTS);
    }
  });

  test('should refuse a settings form without a valid nonce and change nothing', async ({
    adminPage: admin,
    requestUtils,
  }) => {
    try {
      const before = await resetSettings(requestUtils);
      await admin.goto(SETTINGS);
      const form = admin.locator('form[action="options.php"]');
      const hidden = (name: string) =>
        form.locator(`input[type="hidden"][name="${name}"]`).first().inputValue();
      expect(await hidden('option_page')).toBe('vip_presence');
      const nonce = await hidden('_wpnonce');
      expect(nonce).toMatch(/^[0-9a-f]{10}$/);
      const referer = await hidden('_wp_http_referer');
      const fields = { referer, autoInsert: 'before', hideBelow: '7', postTypes: ['page'] };

      // Missing, made up, and valid for another settings form (General): all refused.
      const otherForm = await admin.request.get(
        '/wp-admin/admin-ajax.php?action=vip_presence_e2e_nonce&nonce_action=general-options',
      );
      const otherNonce = (await otherForm.text()).trim();
      expect(otherNonce).toMatch(/^[0-9a-f]{10}$/);
      expect(otherNonce).not.toBe(nonce);
      for (const badNonce of [undefined, '0123456789', otherNonce]) {
        const refused = await postForm(admin.request, settingsForm({ ...fields, nonce: badNonce }));
        expect(refused.status(), `nonce ${badNonce}`).toBe(403);
        expect(await refused.text()).toContain('The link you followed has expired.');
      }
      expect(await requestUtils.storedOptions()).toEqual(before);

      // The same request with the form's nonce goes through: the nonce made the difference.
      const accepted = await postForm(admin.request, settingsForm({ ...fields, nonce }));
      expect(accepted.status()).toBe(302);
      expect(accepted.headers().location).toContain('settings-updated=true');
      const stored = await requestUtils.storedOptions();
      expect(stored.vip_presence_auto_insert).toBe('before');
      expect(String(stored.vip_presence_hide_below)).toBe('7');
      expect(stored.vip_presence_post_types).toEqual(['page']);
    } finally {
      await requestUtils.updateSettings(DEFAULTS);
    }
  });

  test('should refuse settings writes from a user who cannot manage options', async ({
    browser,
    requestUtils,
  }) => {
    const username = `editor-${Date.now()}`;
    const password = randomBytes(12).toString('hex');
    const user = await requestUtils.createUser({ username, password, roles: ['editor'] });
    const context = await browser.newContext({ baseURL: process.env.E2E_WP_URL });
    try {
      const before = await resetSettings(requestUtils);
      await context.addCookies([{ ...NO_AUTO_LOGIN_COOKIE, url: process.env.E2E_WP_URL ?? '' }]);
      const editor = await context.newPage();
      const dialogs = recordDialogs(editor);
      await editor.goto('/wp-login.php');
      await editor.getByLabel('Username or Email Address').fill(username);
      await editor.getByLabel('Password', { exact: true }).fill(password);
      await editor.getByRole('button', { name: 'Log In' }).click();
      await editor.waitForURL(/\/wp-admin\/$/);
      await expect(editor.locator('#wp-admin-bar-my-account')).toContainText(username);

      // Not their screen.
      const screen = await editor.goto(SETTINGS);
      expect(screen?.status()).toBe(403);
      await expect(editor.locator('body')).toContainText(
        'Sorry, you are not allowed to access this page.',
      );

      // A settings form with a nonce that is valid for this user: the capability refuses it.
      const nonceResponse = await editor.request.get(
        '/wp-admin/admin-ajax.php?action=vip_presence_e2e_nonce&nonce_action=vip_presence-options',
      );
      const nonce = (await nonceResponse.text()).trim();
      expect(nonce).toMatch(/^[0-9a-f]{10}$/);
      const refused = await postForm(
        editor.request,
        settingsForm({
          nonce,
          referer: SETTINGS,
          autoInsert: 'before',
          hideBelow: '7',
          postTypes: ['page'],
        }),
      );
      expect(refused.status()).toBe(403);
      expect(await refused.text()).toContain(
        'Sorry, you are not allowed to manage options for this site.',
      );

      // The REST settings endpoint, logged in (403, not 401): refused too.
      const restNonce = (
        await (await editor.request.get('/wp-admin/admin-ajax.php?action=rest-nonce')).text()
      ).trim();
      const rest = await editor.request.post('/wp-json/wp/v2/settings', {
        headers: { 'X-WP-Nonce': restNonce },
        data: { vip_presence_auto_insert: 'before', vip_presence_hide_below: 7 },
      });
      expect(rest.status()).toBe(403);
      expect(((await rest.json()) as { code: string }).code).toBe('rest_forbidden');

      expect(await requestUtils.storedOptions()).toEqual(before);
      expect(dialogs).toEqual([]);
    } finally {
      await context.close();
      await requestUtils.deleteUser(user.id);
      await requestUtils.updateSettings(DEFAULTS);
    }
  });
});
