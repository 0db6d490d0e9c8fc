/*
 * A WordPress network for specs/multisite.spec.ts (the run with E2E_WP_MULTISITE=1: the global
 * setup makes WordPress a subdirectory network with a second site, E2E_WP_SITE_B_URL).
 *   NetworkAdmin   REST as the network's super admin on any of its sites: rest(site, ...),
 *                  createContent(site, ...), publishPostsWithSameId(sites, post) (the spec's
 *                  `networkAdmin` fixture: NetworkAdmin.login(siteUrls().a))
 *   siteUrls()     the main site's and site-b's URLs (with their trailing slash)
 *   pageSettings() what the plugin printed for the SDK (window.vipPresenceSettings)
 *   siteCounts()   the server's read API asked for one site's counts (site=)
 *   restTokens()   the plugin's tokens route of a site, asked as an anonymous reader
 */
import { request, type APIRequestContext, type Page } from '@playwright/test';
import { NO_AUTO_LOGIN_COOKIE } from './fixtures.js';
import type { CreatedPost } from './request-utils.js';

/** The network's two sites: the main site and site-b, URLs ending with "/". */
export function siteUrls(): { a: string; b: string } {
  const main = process.env.E2E_WP_URL;
  const b = process.env.E2E_WP_SITE_B_URL;
  if (!main || !b)
    throw new Error(
      'E2E_WP_URL and E2E_WP_SITE_B_URL are not set: run with E2E_WP_MULTISITE=1 (run-wordpress-versions.mjs)',
    );
  return { a: main.endsWith('/') ? main : `${main}/`, b };
}

type NewContent = { type?: 'posts' | 'pages'; title: string; content?: string; status?: string };

/**
 * REST as the network's super admin. One session serves every site: the auth cookie is the
 * network's (path /), and a REST nonce does not depend on the site. Routes go to the site whose
 * URL is given (a site's REST API lives under its own path: <site>/wp-json/...).
 */
export class NetworkAdmin {
  private constructor(
    readonly request: APIRequestContext,
    private readonly nonce: string,
  ) {}

  /** Logs in on the main site (the Playground runtime's auto-login) and gets a REST nonce. */
  static async login(mainSiteUrl: string): Promise<NetworkAdmin> {
    const context = await request.newContext({ timeout: 30_000 });
    const login = await context.get(`${mainSiteUrl}wp-json/vip-presence-e2e/v1/status`);
    const cookies = (await context.storageState()).cookies;
    if (!login.ok() || !cookies.some((cookie) => cookie.name.startsWith('wordpress_logged_in_')))
      throw new Error(`the auto-login did not log in as admin (status ${login.status()})`);
    const nonceResponse = await context.get(
      `${mainSiteUrl}wp-admin/admin-ajax.php?action=rest-nonce`,
    );
    const nonce = (await nonceResponse.text()).trim();
    if (!nonceResponse.ok() || !/^[0-9a-f]{6,20}$/i.test(nonce))
      throw new Error(`no REST nonce (status ${nonceResponse.status()}: ${nonce.slice(0, 80)})`);
    return new NetworkAdmin(context, nonce);
  }

  /** A REST call on `site` (route like /wp/v2/posts); throws with the answer on a non-2xx status. */
  async rest<T = unknown>(
    site: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    route: string,
    data?: unknown,
  ): Promise<T> {
    const response = await this.request.fetch(`${site}wp-json${route}`, {
      method,
      headers: { 'X-WP-Nonce': this.nonce },
      ...(data === undefined ? {} : { data }),
    });
    if (!response.ok())
      throw new Error(
        `${method} ${site}wp-json${route} answered ${response.status()}: ${(await response.text()).slice(0, 300)}`,
      );
    return (await response.json()) as T;
  }

  /** Several posts or pages of `site` in one batch request (published unless said otherwise). */
  async createContent(site: string, items: NewContent[]): Promise<CreatedPost[]> {
    const { responses } = await this.rest<{ responses: { status: number; body: unknown }[] }>(
      site,
      'POST',
      '/batch/v1',
      {
        validation: 'require-all-validate',
        requests: items.map(({ type = 'posts', title, content = '', status = 'publish' }) => ({
          method: 'POST',
          path: `/wp/v2/${type}`,
          body: { title, content, status },
        })),
      },
    );
    return responses.map((response, index) => {
      if (response.status < 200 || response.status > 299)
        throw new Error(
          `creating "${items[index]?.title}" on ${site} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`,
        );
      return response.body as CreatedPost;
    });
  }

  /**
   * Publishes `post` on each site so that all of them get the SAME post id (each site of a
   * network has its own posts table, so ids repeat across sites). A site whose post came out with
   * a lower id gets drafts to fill the gap and the post again (ids of a table only grow), in one
   * batch request, until every site's id is the highest one. Returns the posts in the order of
   * `sites`.
   */
  async publishPostsWithSameId(sites: string[], post: NewContent): Promise<CreatedPost[]> {
    const created: CreatedPost[] = [];
    for (const site of sites) created.push(...(await this.createContent(site, [post])));
    const BATCH_LIMIT = 25; // the REST batch endpoint's maximum
    for (let round = 0; round < 10; round += 1) {
      const top = Math.max(...created.map((p) => p.id));
      if (created.every((p) => p.id === top)) return created;
      for (const [index, site] of sites.entries()) {
        const gap = top - (created[index] as CreatedPost).id - 1;
        if (gap < 0) continue;
        const fillers = Array.from({ length: Math.min(gap, BATCH_LIMIT - 1) }, (_, n) => ({
          title: `Filler ${n + 1} (to give "${post.title}" the same id on every site)`,
          status: 'draft',
        }));
        const answers = await this.createContent(site, [...fillers, post]);
        created[index] = answers[answers.length - 1] as CreatedPost;
      }
    }
    throw new Error(
      `no common post id after 10 rounds: ${created.map((p, i) => `${sites[i]} ${p.id}`).join(', ')}`,
    );
  }

  async dispose(): Promise<void> {
    await this.request.dispose();
  }
}

/** What the plugin printed before the SDK (window.vipPresenceSettings). */
export interface PrintedSettings {
  url?: string;
  site?: string;
  tokens?: Record<string, string>;
  tokensUrl?: string;
}

export function pageSettings(page: Page): Promise<PrintedSettings | undefined> {
  return page.evaluate(
    () => (window as unknown as { vipPresenceSettings?: PrintedSettings }).vipPresenceSettings,
  );
}

/** Live counts of one site's posts from the server's read API (`site=`; undefined: the default site). */
export async function siteCounts(
  site: string | undefined,
  postIds: number[],
): Promise<Record<string, number>> {
  const base = process.env.E2E_SERVER_PRIVATE_URL;
  if (!base)
    throw new Error(
      'E2E_SERVER_PRIVATE_URL is not set: run the tests through playwright.config.ts',
    );
  const query = new URLSearchParams({ postIds: postIds.join(',') });
  if (site !== undefined) query.set('site', site);
  const response = await fetch(`${base}/api/v1/counts?${query}`, {
    headers: { authorization: `Bearer ${process.env.E2E_PRESENCE_SECRET ?? ''}` },
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`/api/v1/counts?${query} answered ${response.status}`);
  return ((await response.json()) as { counts: Record<string, number> }).counts;
}

/** The plugin's GET <site>/wp-json/vip-presence/v1/tokens?posts=..., as an anonymous reader. */
export async function restTokens(site: string, postIds: number[]): Promise<Record<string, string>> {
  const response = await fetch(`${site}wp-json/vip-presence/v1/tokens?posts=${postIds.join(',')}`, {
    headers: { cookie: `${NO_AUTO_LOGIN_COOKIE.name}=${NO_AUTO_LOGIN_COOKIE.value}` },
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok)
    throw new Error(`${site}wp-json/vip-presence/v1/tokens answered ${response.status}`);
  return ((await response.json()) as { tokens: Record<string, string> }).tokens;
}
