// Talking to a wp-env Playground site over HTTP from Node: an admin session (the Playground runtime
// logs every new client in as admin on its first request) and REST calls with a nonce.
import { fetchWithTimeout } from './processes.mjs';

/** The cookie that tells the Playground runtime not to auto-log-in this client (anonymous reader). */
export const NO_AUTO_LOGIN_COOKIE = 'playground_auto_login_already_happened=1';

/**
 * Logs in as admin the way a browser does (the first request of a client without the cookie
 * above is answered with the login cookies and a redirect to itself), then asks for a REST nonce.
 * @param {string} baseUrl like http://localhost:8888
 * @param {{ timeoutMs?: number }} [options]
 */
export async function adminSession(baseUrl, { timeoutMs = 30_000 } = {}) {
  /** @type {Map<string, string>} */
  const jar = new Map();
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const remember = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  };

  // The helper plugin's status route: the cheapest page to be auto-logged-in on.
  let url = new URL('/wp-json/vip-presence-e2e/v1/status', baseUrl).href;
  for (let hop = 0; hop < 6; hop += 1) {
    const response = await fetchWithTimeout(
      url,
      { redirect: 'manual', headers: { cookie: cookieHeader() } },
      timeoutMs,
    );
    remember(response);
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).href;
      continue;
    }
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
    break;
  }
  if (![...jar.keys()].some((name) => name.startsWith('wordpress_logged_in_'))) {
    throw new Error(
      `no admin login cookie from ${baseUrl}/wp-admin/ (is this a wp-env Playground site?)`,
    );
  }

  const nonceResponse = await fetchWithTimeout(
    new URL('/wp-admin/admin-ajax.php?action=rest-nonce', baseUrl),
    { headers: { cookie: cookieHeader() } },
    timeoutMs,
  );
  const nonce = (await nonceResponse.text()).trim();
  if (!nonceResponse.ok || !/^[0-9a-f]{6,20}$/i.test(nonce)) {
    throw new Error(
      `no REST nonce from admin-ajax.php (status ${nonceResponse.status}: ${nonce.slice(0, 80)})`,
    );
  }

  /**
   * A REST request as admin; resolves the decoded JSON, throws on a non-2xx answer.
   * @param {string} method
   * @param {string} route like /wp/v2/posts
   * @param {unknown} [body]
   */
  async function rest(method, route, body) {
    const response = await fetchWithTimeout(
      new URL(`/wp-json${route}`, baseUrl),
      {
        method,
        headers: {
          cookie: cookieHeader(),
          'x-wp-nonce': nonce,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      },
      timeoutMs,
    );
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} ${route} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  return { nonce, cookieHeader, rest };
}

/**
 * Creates and publishes a post as admin.
 * @param {string} baseUrl
 * @param {{ title: string, content: string, status?: string }} post
 * @returns {Promise<{ id: number, link: string }>}
 */
export async function createPost(baseUrl, { title, content, status = 'publish' }) {
  const { rest } = await adminSession(baseUrl);
  const created = await rest('POST', '/wp/v2/posts', { title, content, status });
  return { id: created.id, link: created.link };
}
