import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const SDK = new URL('../../../dist/vip-presence.min.js', import.meta.url);

export interface PostPageOptions {
  /** The presence server. */
  serverUrl: string;
  /** The post this page views (as a theme's widget would): subscribes at load. */
  view?: number;
  /** Posts this page watches without being counted (as an archive page would). */
  watch?: number[];
  /** View tokens printed by "the plugin". */
  tokens?: Record<string, string>;
  /** The site key printed by "the plugin" (unset: none, the default site). */
  site?: string;
  /** Path of the SDK script on this site. @default "/vip-presence.min.js" */
  sdk?: string;
  /** More options printed in the settings (`allowPolling`, `hiddenTimeoutMs`, ...). */
  settings?: Record<string, unknown>;
  /** Count the WebSockets the page opens, in `window.openedSockets`. */
  countSockets?: boolean;
}

export interface StaticSite {
  /** URL of a page printing the settings like the WordPress plugin, then the SDK. */
  postUrl(options: PostPageOptions): string;
  /** URL of a page without the SDK (somewhere to navigate to). */
  readonly otherUrl: string;
  /**
   * URL of a page that prerenders `url` (a URL of this site) with Speculation Rules, as
   * WordPress 6.8+ does for links, and links to it (`#go`).
   */
  speculationUrl(url: string): string;
  /** Serves `content` as JavaScript at `path` too. */
  addScript(path: string, content: string | Buffer): void;
  close(): Promise<void>;
}

/**
 * The page a theme would make: settings printed before the SDK, the SDK's IIFE, and a widget
 * that subscribes. Every callback is recorded in `window.presenceLog` / `window.presenceState`
 * (keys `"<postId>"` for viewers, `"<postId>:watch"` for watchers) with the time it ran and
 * whether the page was prerendered then, page lifecycle events in `window.lifecycle`, and
 * visibility changes with their time in `window.visibility`.
 */
function postPage(query: URLSearchParams): string {
  const settings = {
    url: query.get('server'),
    tokens: JSON.parse(query.get('tokens') ?? '{}'),
    ...(query.has('site') ? { site: query.get('site') } : {}),
    ...JSON.parse(query.get('settings') ?? '{}'),
  };
  const sdk = query.get('sdk') ?? '/vip-presence.min.js';
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>post</title></head>
<body>
<p id="viewers">…</p>
<script>window.vipPresenceSettings = ${JSON.stringify(settings)};</script>
${query.has('countSockets') ? COUNT_SOCKETS : ''}
<script src="${sdk}"></script>
<script>
  window.presenceLog = [];
  window.presenceState = {};
  window.lifecycle = [];
  window.visibility = [];
  document.addEventListener('visibilitychange', () => visibility.push({ state: document.visibilityState, at: Date.now() }));
  addEventListener('pageshow', (e) => lifecycle.push('pageshow' + (e.persisted ? ':persisted' : '')));
  addEventListener('pagehide', (e) => lifecycle.push('pagehide' + (e.persisted ? ':persisted' : '')));
  window.follow = (postId, options) => {
    const key = postId + (options && options.count === false ? ':watch' : '');
    return vipPresence.subscribe(postId, (state) => {
      const recorded = Object.assign({}, state, { key, at: Date.now(), prerendering: !!document.prerendering });
      presenceLog.push(recorded);
      presenceState[key] = recorded;
      if (key === String(postId)) document.getElementById('viewers').textContent = state.others + ' others';
    }, options);
  };
  const query = new URLSearchParams(location.search);
  if (query.get('view')) follow(Number(query.get('view')));
  for (const id of (query.get('watch') || '').split(',').filter(Boolean)) follow(Number(id), { count: false });
</script>
</body></html>`;
}

/** Counts the WebSockets the page opens (the SDK's, before it loads). */
const COUNT_SOCKETS = `<script>
  window.openedSockets = 0;
  window.WebSocket = class extends WebSocket {
    constructor(...args) { super(...args); openedSockets++; }
  };
</script>`;

/** A page that prerenders `to` (Speculation Rules) and links to it. */
function speculationPage(to: string): string {
  const rules = JSON.stringify({ prerender: [{ source: 'list', urls: [to] }] });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>list</title></head>
<body>
<a id="go" href="${to.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}">read the post</a>
<script type="speculationrules">${rules.replace(/</g, '\\u003c')}</script>
</body></html>`;
}

/** Serves the test pages and the built SDK from 127.0.0.1 on a free port. */
export async function startStaticSite(): Promise<StaticSite> {
  const scripts = new Map<string, string | Buffer>([['/vip-presence.min.js', readFileSync(SDK)]]);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const script = scripts.get(url.pathname);
    if (script !== undefined) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (url.pathname === '/post') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(postPage(url.searchParams));
    } else if (url.pathname === '/speculation') {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(speculationPage(url.searchParams.get('to') ?? '/'));
    } else if (url.pathname === '/other') {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>other</title>');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    postUrl({ serverUrl, view, watch, tokens, site, sdk, settings, countSockets }) {
      const query = new URLSearchParams({ server: serverUrl });
      if (countSockets) query.set('countSockets', '1');
      if (settings) query.set('settings', JSON.stringify(settings));
      if (site !== undefined) query.set('site', site);
      if (sdk) query.set('sdk', sdk);
      if (view !== undefined) query.set('view', String(view));
      if (watch) query.set('watch', watch.join(','));
      if (tokens) query.set('tokens', JSON.stringify(tokens));
      return `${base}/post?${query}`;
    },
    otherUrl: `${base}/other`,
    speculationUrl(to) {
      const { pathname, search } = new URL(to);
      return `${base}/speculation?${new URLSearchParams({ to: pathname + search })}`;
    },
    addScript: (path, content) => void scripts.set(path, content),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
