#!/usr/bin/env node
/*
 * What the plugin adds to a post page, measured: `npm run page-weight -w @vip-presence/e2e`
 * (root alias: `npm run bench:page`). Not part of `npm test`: a measurement, not a test.
 *
 * For each WordPress core named (default: debian = 6.1, the oldest the plugin claims, and newest =
 * 6.7-alpha, the newest that installs offline; the e2e suite's cores, started by the same
 * scripts/wp-env.mjs), with SCRIPT_DEBUG and WP_DEBUG off:
 *   1. starts a presence server (embedded store, a per-run secret, as the e2e's) and WordPress
 *      (wp-env instance "page-weight", fresh site, the plugin configured by constants);
 *   2. publishes a post (the widget shows on it by auto-insert) and opens it in a second browser,
 *      the "other reader", so that the measured page's widget has a count to show;
 *   3. runs Lighthouse (Node API, Debian's Chromium, performance category, its default mobile
 *      settings unless --preset desktop) `--runs` times on the post, then deactivates the plugin
 *      and runs it again on the same post;
 *   4. prints what the plugin adds: each script, style and inline block it brings (the WordPress
 *      scripts it pulls in included), gzip bytes (zlib level 6, what servers commonly send; the
 *      Playground server sends them uncompressed), main-thread time (median over runs), CLS and
 *      long tasks, and writes every figure to a JSON file (--out).
 * The other reader proves the measured page's widget went live: it sees "1 other person" while
 * Lighthouse's page is open (the run fails otherwise).
 *
 * Options: --cores debian,newest   --runs 3   --preset mobile|desktop   --out FILE
 *          --label TEXT (written into the JSON, e.g. "before" or "after")
 * Each Lighthouse run is a measurement; on a shared machine wrap the command in
 * `flock /tmp/vip-measure.lock ...` so it does not overlap other measurements.
 */
/* global window, document, MutationObserver -- the other reader's page scripts run in the browser. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { CHROMIUM_PATH, assertChromium, chromiumLaunchOptions } from '@vip-presence/test-kit';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import {
  CACHE_DIR,
  ServiceGroup,
  fetchWithTimeout,
  freePort,
} from '../../scripts/lib/processes.mjs';
import { runSecret } from '../../scripts/lib/secret.mjs';
import { startPresenceServer } from '../../scripts/lib/services.mjs';
import { NO_AUTO_LOGIN_COOKIE, adminSession } from '../../scripts/lib/wp-rest.mjs';
import { startWordPress } from '../../scripts/wp-env.mjs';

const CORES = {
  debian: { expect: '6.1.', what: 'oldest claimed' },
  newest: { expect: '6.7-', what: 'newest offline' },
};
/** The plugin's folder under wp-content/plugins/ (wp-env maps ./wordpress-plugin). */
const PLUGIN_FOLDER = 'wordpress-plugin';
const PLUGIN_REST_ID = `${PLUGIN_FOLDER}/vip-presence`;
/** A reader's browser, not a bot: Lighthouse's own user agent says "Chrome-Lighthouse", which
 * the presence server's bot list refuses to count. */
const USER_AGENTS = {
  mobile:
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Mobile Safari/537.36',
  desktop:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
};
const ONLY_ONE = "You're the only one here";
const ONE_OTHER = '1 other person is viewing';

const { values: options } = parseArgs({
  options: {
    cores: { type: 'string', default: 'debian,newest' },
    runs: { type: 'string', default: '3' },
    preset: { type: 'string', default: 'mobile' },
    out: { type: 'string', default: path.join(CACHE_DIR, 'page-weight', 'page-weight.json') },
    label: { type: 'string', default: '' },
  },
});
const runs = Number.parseInt(options.runs, 10);
if (!(runs >= 1 && runs <= 20)) throw new Error('--runs must be 1 to 20');
if (!(options.preset in USER_AGENTS)) throw new Error('--preset must be mobile or desktop');
const cores = options.cores.split(',');
for (const core of cores)
  if (!(core in CORES)) throw new Error(`--cores: unknown core "${core}" (debian, newest)`);

const log = (line) => console.error(`[page-weight] ${line}`);
const gzipBytes = (text) => gzipSync(Buffer.from(text), { level: 6 }).length;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value, digits = 1) => Number(value.toFixed(digits));

/**
 * Lighthouse's default config, with every script's main-thread time listed in `bootup-time`
 * (by default only those of 50 ms or more), so each script the plugin adds has its figure.
 */
const LIGHTHOUSE_CONFIG = {
  extends: 'lighthouse:default',
  audits: [{ path: 'bootup-time', options: { thresholdInMs: 0 } }],
};

/** Lighthouse settings: its defaults for the preset, the performance category only. */
function lighthouseFlags(port) {
  const desktop = options.preset === 'desktop';
  return {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance'],
    extraHeaders: { Cookie: NO_AUTO_LOGIN_COOKIE },
    emulatedUserAgent: USER_AGENTS[options.preset],
    ...(desktop
      ? {
          formFactor: 'desktop',
          screenEmulation: {
            mobile: false,
            width: 1350,
            height: 940,
            deviceScaleFactor: 1,
            disabled: false,
          },
          throttling: {
            rttMs: 40,
            throughputKbps: 10240,
            cpuSlowdownMultiplier: 1,
            requestLatencyMs: 0,
            downloadThroughputKbps: 0,
            uploadThroughputKbps: 0,
          },
        }
      : {}),
  };
}

/** The figures of one Lighthouse run that this tool reports. */
function figuresOf(lhr) {
  const audit = (id) => lhr.audits[id];
  const requests = audit('network-requests').details?.items ?? [];
  return {
    requests: requests.map((r) => ({
      url: r.url,
      resourceType: r.resourceType,
      transferSize: r.transferSize,
      resourceSize: r.resourceSize,
    })),
    cls: audit('cumulative-layout-shift').numericValue,
    layoutShifts: (audit('layout-shifts')?.details?.items ?? []).map((item) => ({
      score: item.score,
      node: item.node?.snippet,
    })),
    mainThreadMs: audit('mainthread-work-breakdown').numericValue,
    totalBlockingTimeMs: audit('total-blocking-time').numericValue,
    bootup: (audit('bootup-time').details?.items ?? []).map((item) => ({
      url: item.url,
      totalMs: item.total,
      scriptingMs: item.scripting,
      parseCompileMs: item.scriptParseCompile,
    })),
    longTasks: (audit('long-tasks').details?.items ?? []).map((item) => ({
      url: item.url,
      durationMs: item.duration,
      startTimeMs: item.startTime,
    })),
    runWarnings: lhr.runWarnings,
    /** The page as the trace ended (data: URL), to see that the widget shows its text by then. */
    finalScreenshot: audit('final-screenshot')?.details?.data,
    benchmarkIndex: lhr.environment?.benchmarkIndex,
  };
}

/** The `<script>` and `<style>` elements of a page, by id (elements without an id are left out). */
function inlineBlocks(html) {
  const blocks = new Map();
  for (const match of html.matchAll(/<(script|style)\b([^>]*)>([\s\S]*?)<\/\1>/gi)) {
    const id = /\bid=["']([^"']+)["']/.exec(match[2])?.[1];
    if (!id || /\bsrc=/.test(match[2]) || !match[3].trim()) continue;
    blocks.set(id, match[0]);
  }
  return blocks;
}

/** The page as an anonymous reader gets it. */
async function fetchText(url) {
  const response = await fetchWithTimeout(
    url,
    { headers: { cookie: NO_AUTO_LOGIN_COOKIE, 'user-agent': USER_AGENTS[options.preset] } },
    30_000,
  );
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

/** A name for a URL in the table: the path under wp-content/plugins or wp-includes. */
function shortName(url) {
  const { pathname } = new URL(url);
  return pathname
    .replace(`/wp-content/plugins/${PLUGIN_FOLDER}/`, 'plugin: ')
    .replace(/^\/wp-includes\//, 'wp-includes/');
}

/**
 * Runs Lighthouse `runs` times on `url`; `afterRun` is called after each run.
 * @returns {Promise<ReturnType<typeof figuresOf>[]>}
 */
async function measure(url, afterRun = async () => {}) {
  const results = [];
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM_PATH,
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    for (let i = 0; i < runs; i += 1) {
      const result = await lighthouse(url, lighthouseFlags(chrome.port), LIGHTHOUSE_CONFIG);
      if (!result) throw new Error('Lighthouse returned nothing');
      if (result.lhr.runtimeError)
        throw new Error(
          `Lighthouse: ${result.lhr.runtimeError.code} ${result.lhr.runtimeError.message}`,
        );
      results.push(figuresOf(result.lhr));
      await afterRun(i);
    }
  } finally {
    await chrome.kill();
  }
  return results;
}

/** Everything for one WordPress core. */
async function measureCore(core, group, server, port) {
  const wordpress = await startWordPress({
    instance: 'page-weight',
    port,
    core,
    config: {
      VIP_PRESENCE_SERVER_URL: server.url,
      VIP_PRESENCE_SECRET: server.secret,
      SCRIPT_DEBUG: false,
      WP_DEBUG: false,
      DISABLE_WP_CRON: true,
    },
    log,
  });
  group.addCleanup(() => wordpress.stop());
  const version = wordpress.wordpressVersion ?? '';
  if (!version.startsWith(CORES[core].expect))
    throw new Error(`WordPress ${version} runs, expected ${CORES[core].expect}x`);
  try {
    const admin = await adminSession(wordpress.url);
    const post = await admin.rest('POST', '/wp/v2/posts', {
      title: 'Page weight',
      content:
        '<!-- wp:paragraph --><p>A post with the live viewers widget, auto-inserted after the content.</p><!-- /wp:paragraph -->',
      status: 'publish',
    });
    const postUrl = post.link;
    log(`WordPress ${version}: post ${post.id} at ${postUrl}`);

    const htmlWith = await fetchText(postUrl);
    if (!htmlWith.includes('class="vip-presence-widget"'))
      throw new Error('the post has no widget with the plugin active');
    if (/\/wp-includes\/js\/dist\/[a-z-]+\.js\b/.test(htmlWith))
      throw new Error('WordPress prints unminified scripts: SCRIPT_DEBUG is on');

    // The other reader: shows that Lighthouse's page joined (its widget went live).
    const browser = await chromium.launch(chromiumLaunchOptions());
    const context = await browser.newContext();
    await context.addCookies([
      { name: 'playground_auto_login_already_happened', value: '1', url: wordpress.url },
    ]);
    const reader = await context.newPage();
    // Counts the times its widget says one other person is here (Lighthouse's page).
    await reader.addInitScript((text) => {
      window.__vipPresenceOthers = 0;
      new MutationObserver(() => {
        const now = document.querySelector('.vip-presence-widget')?.textContent ?? '';
        if (now === text && window.__vipPresenceLast !== text) window.__vipPresenceOthers += 1;
        window.__vipPresenceLast = now;
      }).observe(document, { childList: true, subtree: true, characterData: true });
    }, ONE_OTHER);
    await reader.goto(postUrl);
    const widget = reader.locator('.vip-presence-widget').first();
    await widget.filter({ hasText: ONLY_ONE }).waitFor({ timeout: 30_000 });
    let seen = 0;
    const withPlugin = await measure(postUrl, async () => {
      // Lighthouse's page has left (its tab closed): the reader is alone again before the next run.
      seen += 1;
      await widget.filter({ hasText: ONLY_ONE }).waitFor({ timeout: 30_000 });
    });
    const joins = await reader.evaluate(() => window.__vipPresenceOthers ?? 0);
    await browser.close();
    if (joins < seen)
      throw new Error(
        `the other reader saw Lighthouse's page join ${joins} times in ${seen} runs: its widget did not go live`,
      );

    await admin.rest('POST', `/wp/v2/plugins/${PLUGIN_REST_ID}`, { status: 'inactive' });
    const htmlWithout = await fetchText(postUrl);
    if (htmlWithout.includes('vip-presence'))
      throw new Error('the page still names vip-presence with the plugin inactive');
    const withoutPlugin = await measure(postUrl);
    await admin.rest('POST', `/wp/v2/plugins/${PLUGIN_REST_ID}`, { status: 'active' });

    // Resource bodies are fetched from WordPress, so before it stops.
    return await compare({
      core,
      version,
      postUrl,
      htmlWith,
      htmlWithout,
      withPlugin,
      withoutPlugin,
    });
  } finally {
    await wordpress.stop();
  }
}

/** What the plugin adds, from the runs with and without it. */
async function compare({ core, version, htmlWith, htmlWithout, withPlugin, withoutPlugin }) {
  const urlsWithout = new Set(
    withoutPlugin.flatMap((run) => run.requests.map((r) => r.url.replace(/\?.*$/, ''))),
  );
  const added = new Map();
  for (const run of withPlugin) {
    for (const request of run.requests) {
      const bare = request.url.replace(/\?.*$/, '');
      // blob: scripts are WordPress's own (the emoji check's worker), a new URL on every load.
      if (
        urlsWithout.has(bare) ||
        request.resourceType === 'Document' ||
        !/^(https?|wss?):/.test(bare)
      )
        continue;
      added.set(request.url, request);
    }
  }
  const resources = [];
  for (const [url, request] of added) {
    const fetched = /^https?:/.test(url) && request.resourceType !== 'WebSocket';
    const body = fetched ? await fetchText(url) : '';
    resources.push({
      name: shortName(url),
      url,
      kind: request.resourceType,
      rawBytes: fetched ? Buffer.byteLength(body) : 0,
      gzipBytes: fetched ? gzipBytes(body) : 0,
      transferBytes: request.transferSize,
    });
  }
  const blocksWith = inlineBlocks(htmlWith);
  const blocksWithout = inlineBlocks(htmlWithout);
  const inline = [...blocksWith]
    .filter(([id, html]) => blocksWithout.get(id) !== html)
    .map(([id, html]) => ({
      name: `inline #${id}`,
      rawBytes: Buffer.byteLength(html),
      gzipBytes: gzipBytes(html),
    }));
  const documentGzipAdded = gzipBytes(htmlWith) - gzipBytes(htmlWithout);
  const resourcesGzip = resources.reduce((sum, r) => sum + r.gzipBytes, 0);

  const scriptUrls = new Set(resources.filter((r) => r.kind === 'Script').map((r) => r.url));
  const bootupOf = (url) =>
    median(withPlugin.map((run) => run.bootup.find((b) => b.url === url)?.totalMs ?? 0));
  for (const resource of resources)
    if (scriptUrls.has(resource.url)) resource.mainThreadMs = round(bootupOf(resource.url));
  const longTasksAdded = withPlugin.flatMap((run) =>
    run.longTasks.filter((task) => scriptUrls.has(task.url)),
  );
  return {
    core,
    version,
    resources,
    inline,
    documentGzipAdded,
    totalGzipAdded: resourcesGzip + documentGzipAdded,
    mainThreadMs: {
      with: round(median(withPlugin.map((run) => run.mainThreadMs))),
      without: round(median(withoutPlugin.map((run) => run.mainThreadMs))),
      addedByPluginScripts: round(resources.reduce((sum, r) => sum + (r.mainThreadMs ?? 0), 0)),
    },
    totalBlockingTimeMs: {
      with: round(median(withPlugin.map((run) => run.totalBlockingTimeMs))),
      without: round(median(withoutPlugin.map((run) => run.totalBlockingTimeMs))),
    },
    cls: {
      with: Math.max(...withPlugin.map((run) => run.cls)),
      without: Math.max(...withoutPlugin.map((run) => run.cls)),
      shiftsWith: withPlugin.flatMap((run) => run.layoutShifts),
    },
    longTasks: {
      withPluginScripts: longTasksAdded,
      countWith: withPlugin.map((run) => run.longTasks.length),
      countWithout: withoutPlugin.map((run) => run.longTasks.length),
    },
    benchmarkIndex: median(withPlugin.map((run) => run.benchmarkIndex ?? 0)),
    finalScreenshot: saveScreenshot(core, withPlugin[0]?.finalScreenshot),
    runWarnings: [...new Set(withPlugin.concat(withoutPlugin).flatMap((run) => run.runWarnings))],
    runs: {
      withPlugin: withPlugin.map(({ finalScreenshot: _screenshot, ...run }) => run),
      withoutPlugin: withoutPlugin.map(({ finalScreenshot: _screenshot, ...run }) => run),
    },
  };
}

/** Writes a run's final screenshot next to the JSON file; returns its path. */
function saveScreenshot(core, dataUrl) {
  const match = /^data:image\/(\w+);base64,(.+)$/.exec(dataUrl ?? '');
  if (!match) return undefined;
  const file = path.join(path.dirname(options.out), `${core}-with-plugin-final.${match[1]}`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(match[2], 'base64'));
  return file;
}

function printTable(result) {
  const kb = (bytes) => `${(bytes / 1024).toFixed(2)} KB`;
  const lines = [
    `WordPress ${result.version} (${result.core}, ${CORES[result.core].what}), Lighthouse ${options.preset}, ${runs} run(s) each, SCRIPT_DEBUG off`,
    `  ${'added by the plugin'.padEnd(58)} ${'raw'.padStart(10)} ${'gzip'.padStart(10)} ${'main thread'.padStart(12)}`,
  ];
  for (const r of result.resources)
    lines.push(
      `  ${`${r.name} (${r.kind})`.padEnd(58)} ${String(r.rawBytes).padStart(10)} ${String(r.gzipBytes).padStart(10)} ${(r.mainThreadMs === undefined ? '' : `${r.mainThreadMs} ms`).padStart(12)}`,
    );
  for (const r of result.inline)
    lines.push(
      `  ${`${r.name} (in the HTML)`.padEnd(58)} ${String(r.rawBytes).padStart(10)} ${String(r.gzipBytes).padStart(10)}`,
    );
  lines.push(
    `  ${'HTML document, gzip with minus without (widget, inline)'.padEnd(58)} ${''.padStart(10)} ${String(result.documentGzipAdded).padStart(10)}`,
    `  TOTAL added: ${result.totalGzipAdded} bytes gzip (${kb(result.totalGzipAdded)}), target <= 18 KB (18432 bytes)`,
    `  main-thread work: ${result.mainThreadMs.with} ms with, ${result.mainThreadMs.without} ms without (medians); the plugin's scripts: ${result.mainThreadMs.addedByPluginScripts} ms`,
    `  total blocking time: ${result.totalBlockingTimeMs.with} ms with, ${result.totalBlockingTimeMs.without} ms without`,
    `  CLS: ${result.cls.with} with, ${result.cls.without} without (worst run)`,
    `  long tasks in the scripts the plugin adds: ${result.longTasks.withPluginScripts.length} in ${runs} run(s)${result.longTasks.withPluginScripts.map((task) => `, ${shortName(task.url)} ${round(task.durationMs)} ms`).join('')}`,
    `  long tasks of the whole page, per run: with ${result.longTasks.countWith.join('/')}, without ${result.longTasks.countWithout.join('/')}`,
    `  Lighthouse benchmarkIndex ${result.benchmarkIndex}`,
  );
  console.log(lines.join('\n'));
}

assertChromium();
const logDir = path.join(CACHE_DIR, 'logs', 'page-weight');
const group = new ServiceGroup({ logDir, stateFile: path.join(logDir, 'stack.json'), log });
const stop = async () => {
  await group.stopAll();
};
process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
process.once('SIGTERM', () => void stop().finally(() => process.exit(143)));
const results = [];
try {
  await group.reapStale();
  const secret = runSecret();
  const wpPort = await freePort();
  const port = await freePort();
  const privatePort = await freePort();
  const started = await startPresenceServer(group, {
    port,
    privatePort,
    host: '127.0.0.1',
    secret,
    allowedOrigins: [`http://localhost:${wpPort}`],
    env: { LOG_LEVEL: 'warn' },
  });
  const server = { url: started.url, secret };
  for (const core of cores) {
    const result = await measureCore(core, group, server, wpPort);
    printTable(result);
    results.push(result);
  }
} finally {
  await stop();
}
mkdirSync(path.dirname(options.out), { recursive: true });
writeFileSync(
  options.out,
  `${JSON.stringify({ label: options.label, preset: options.preset, runs, measuredAt: new Date().toISOString(), results }, null, 2)}\n`,
);
log(`figures written to ${path.relative(process.cwd(), options.out)}`);
