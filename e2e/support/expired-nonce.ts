import type { Locator, Page, Response } from '@playwright/test';
import { expect } from './fixtures.js';

/**
 * A page left open longer than a WordPress nonce lives (12 to 24 hours), in seconds rather than a
 * day: the helper plugin gives users who send this cookie nonces of another lifetime, so every
 * nonce the page printed stops verifying at once, and fresh ones verify.
 */
const EXPIRED_NONCES_COOKIE = { name: 'vip_presence_e2e_nonces', value: 'expired' };

/**
 * Chromium logs each refused request as a console error; the one the page recovers from is expected
 * (a plugin route refused with 403).
 */
export const REFUSED_ROUTE_CONSOLE_ERROR =
  /status of 403 \(Forbidden\).*vip-presence(\/|%2F)v1(\/|%2F)/;

/**
 * Expires the nonces `page` was given, then checks that what `container` shows recovers: the next
 * request of the plugin's `route` is refused for its nonce (`rest_cookie_invalid_nonce`), WordPress's
 * api-fetch gets a fresh nonce from admin-ajax.php (`rest-nonce`) and asks again, and the container
 * takes in that answer (`data-vip-presence-refreshes` goes up) without an error. A page that kept
 * the nonce it was printed fails here: no fresh nonce is asked for, and nothing more is taken in.
 */
export async function expectRecoveryFromExpiredNonce(
  page: Page,
  container: Locator,
  route: RegExp,
): Promise<void> {
  const onRoute = (response: Response) => route.test(decodeURIComponent(response.url()));
  const refused = page.waitForResponse(
    (response) => onRoute(response) && response.status() === 403,
  );
  const renewed = page.waitForResponse(
    (response) => response.url().includes('action=rest-nonce') && response.ok(),
  );
  // For the whole site (a cookie given only `url` is for that URL's folder, /wp-admin/).
  const { hostname } = new URL(page.url());
  await page.context().addCookies([{ ...EXPIRED_NONCES_COOKIE, domain: hostname, path: '/' }]);

  const refusal = await refused;
  expect(((await refusal.json()) as { code?: string }).code).toBe('rest_cookie_invalid_nonce');
  // The refused turn is still going (it asks again once it has a fresh nonce): what was taken in
  // before it.
  const before = Number((await container.getAttribute('data-vip-presence-refreshes')) ?? 0);
  await renewed;
  await expect(container).toHaveAttribute('data-vip-presence-refreshes', String(before + 1));
  await expect(container).toHaveAttribute('data-vip-presence-status', 'ok');
  await page.context().clearCookies({ name: EXPIRED_NONCES_COOKIE.name });
}
