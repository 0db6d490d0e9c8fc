/*
 * Presence helpers for specs: the widget's texts, locators, what a page's widgets showed over
 * time, and the presence server's read API and metrics (asked from Node, as WordPress does).
 */
import { expect, type Locator, type Page } from '@playwright/test';

/** What the widget says (wordpress-plugin/src/widget/widget-text.js, English). */
export const ONLY_ONE_HERE = "You're the only one here";
export function othersViewing(others: number): string {
  return others === 1 ? '1 other person is viewing' : `${others} other people are viewing`;
}

/** The widget of `postId` on `page` (the only widget when no post id is given). */
export function widget(page: Page, postId?: number): Locator {
  return page.locator(
    postId === undefined
      ? '.vip-presence-widget'
      : `.vip-presence-widget[data-vip-presence-post-id="${postId}"]`,
  );
}

/** Waits until the widget is live and says `text` (the default expect timeout unless given). */
export async function expectWidget(
  locator: Locator,
  text: string,
  options: { timeout?: number } = {},
): Promise<void> {
  await expect(locator).toHaveText(text, options);
  await expect(locator).toHaveAttribute('data-vip-presence-status', 'live', options);
}

/** One change of a widget, as the page saw it (Date.now() in the page). */
export interface WidgetChange {
  at: number;
  postId: string;
  status: string | null;
  text: string;
}

/**
 * Init script of every reader context: records each change of any widget's text or status in
 * `window.__vipPresenceWidgetHistory`, so a spec can tell what a reader saw, and when, without
 * polling (and prove that something did NOT happen: no flicker, no extra count).
 */
export const RECORD_WIDGETS_SCRIPT = `(() => {
  const history = [];
  Object.defineProperty(window, '__vipPresenceWidgetHistory', { value: history });
  const last = new Map();
  const record = (element) => {
    const entry = {
      at: Date.now(),
      postId: element.getAttribute('data-vip-presence-post-id'),
      status: element.getAttribute('data-vip-presence-status'),
      text: element.textContent,
    };
    const key = entry.status + '\\u0000' + entry.text;
    if (last.get(element) === key) return;
    last.set(element, key);
    history.push(entry);
  };
  const observer = new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const node = mutation.target.nodeType === 1 ? mutation.target : mutation.target.parentElement;
      const element = node && node.closest ? node.closest('.vip-presence-widget') : null;
      if (element) record(element);
    }
  });
  // The document node exists when init scripts run (its <html> does not yet): watch it all.
  observer.observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-vip-presence-status'],
  });
})();`;

/** Every change of the page's widgets so far (oldest first). */
export function widgetHistory(page: Page): Promise<WidgetChange[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __vipPresenceWidgetHistory: WidgetChange[] })
        .__vipPresenceWidgetHistory,
  );
}

/** When the page's widget of `postId` first said `text` while live (page clock), or undefined. */
export async function firstShown(page: Page, text: string, after = 0): Promise<number | undefined> {
  const history = await widgetHistory(page);
  return history.find(
    (change) => change.at >= after && change.status === 'live' && change.text === text,
  )?.at;
}

/** The distinct texts a widget showed while live, in order. */
export async function liveTexts(page: Page): Promise<string[]> {
  const texts: string[] = [];
  for (const change of await widgetHistory(page)) {
    if (change.status === 'live' && texts[texts.length - 1] !== change.text)
      texts.push(change.text);
  }
  return texts;
}

/**
 * The private URL (/metrics, the read API) of the server whose public URL is `base` (default:
 * the main server's).
 */
function privateUrl(base = process.env.E2E_SERVER_URL): string {
  const env = process.env;
  const url = new Map([
    [env.E2E_SERVER_URL, env.E2E_SERVER_PRIVATE_URL],
    [env.E2E_EMBEDDED_SERVER_URL, env.E2E_EMBEDDED_SERVER_PRIVATE_URL],
  ]).get(base);
  if (!base || !url)
    throw new Error(
      `no private URL for the server at "${base}": run the tests through playwright.config.ts`,
    );
  return url;
}

let siteKey: Promise<string> | undefined;

/**
 * The site key of the WordPress under test (derived from its home URL by the plugin): found by
 * the global setup, else asked of the helper plugin once.
 */
export function wordpressSiteKey(): Promise<string> {
  const known = process.env.E2E_WP_SITE_KEY;
  if (known !== undefined) return Promise.resolve(known);
  siteKey ??= (async () => {
    const response = await fetch(`${process.env.E2E_WP_URL}/wp-json/vip-presence-e2e/v1/status`, {
      signal: AbortSignal.timeout(30_000),
    });
    const { siteKey: key } = (await response.json()) as { siteKey?: string | null };
    if (typeof key !== 'string') throw new Error('the e2e helper plugin did not say the site key');
    return key;
  })();
  return siteKey;
}

/**
 * Live counts of the WordPress site's posts from the server's authenticated read API (what
 * WordPress asks from PHP, with its site key).
 */
export async function liveCounts(
  postIds: number[],
  base?: string,
): Promise<Record<string, number>> {
  const key = await wordpressSiteKey();
  const site = key ? `&site=${key}` : '';
  const response = await fetch(
    `${privateUrl(base)}/api/v1/counts?postIds=${postIds.join(',')}${site}`,
    {
      headers: { authorization: `Bearer ${process.env.E2E_PRESENCE_SECRET ?? ''}` },
      signal: AbortSignal.timeout(5_000),
    },
  );
  if (!response.ok) throw new Error(`/api/v1/counts answered ${response.status}`);
  return ((await response.json()) as { counts: Record<string, number> }).counts;
}

/** A post's readers over time, as the server's read API answers `series=N`. */
export interface ReadersSeries {
  from: number;
  bucketMs: number;
  max: (number | null)[];
  mean: (number | null)[];
}

/**
 * A post's readers over its last `buckets` buckets, from the server's read API (what WordPress
 * asks for the post editor's chart, with its site key).
 */
export async function readersSeries(postId: number, buckets: number): Promise<ReadersSeries> {
  const key = await wordpressSiteKey();
  const site = key ? `&site=${key}` : '';
  const response = await fetch(
    `${privateUrl()}/api/v1/counts?postIds=${postId}&series=${buckets}${site}`,
    {
      headers: { authorization: `Bearer ${process.env.E2E_PRESENCE_SECRET ?? ''}` },
      signal: AbortSignal.timeout(5_000),
    },
  );
  if (!response.ok) throw new Error(`/api/v1/counts answered ${response.status}`);
  const body = (await response.json()) as { stats: Record<string, { series: ReadersSeries }> };
  const series = body.stats[String(postId)]?.series;
  if (!series) throw new Error(`/api/v1/counts sent no series for post ${postId}`);
  return series;
}

/**
 * A sample of the server's Prometheus metrics: the sum of every series of `name` whose labels
 * include `labels` (e.g. metric('vip_presence_refusals_total', { code: 'invalid_token' })).
 */
export async function metric(
  name: string,
  labels: Record<string, string> = {},
  base?: string,
): Promise<number> {
  const response = await fetch(`${privateUrl(base)}/metrics`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`/metrics answered ${response.status}`);
  let sum = 0;
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => series.includes(`${key}="${value}"`)))
      sum += Number(match[3]);
  }
  return sum;
}

/** The parts of a v2 view token (`v2.<site>.<postId>.<expiresAt>.<signature>`), else undefined. */
export function parseV2Token(
  token: string | undefined,
): { site: string; postId: number; expiresAt: number } | undefined {
  const match = /^v2\.([A-Za-z0-9_-]{1,64})\.([1-9][0-9]*)\.([1-9][0-9]*)\.[A-Za-z0-9_-]{43}$/.exec(
    token ?? '',
  );
  return match
    ? { site: match[1] as string, postId: Number(match[2]), expiresAt: Number(match[3]) }
    : undefined;
}
