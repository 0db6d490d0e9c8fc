import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions, freePort } from '@vip-presence/test-kit';
import type { FixtureOptions } from './support/fixtures.js';

/*
 * End-to-end tests: Playwright with Debian's Chromium (no browser download on these machines)
 * against WordPress started by wp-env's Playground runtime and a presence server, both started by
 * global-setup.ts on free ports and stopped when the run ends.
 *
 * Environment:
 *   E2E_STORE=redis|memory   presence store of the main project: a throwaway redis-server + gc
 *                            (default) or embedded
 *   E2E_SKIP_BUILD=1         do not run `npm run build` first
 *   CHROMIUM_PATH            browser executable (default /usr/bin/chromium)
 *   E2E_WP_CORE              WordPress core: debian (default; 6.1, the oldest the plugin claims),
 *                            newest (the newest that installs offline; runs NEWEST_SPECS only),
 *                            auto|latest|PATH (see scripts/wp-env.mjs); VIP_PRESENCE_WP_CORE if unset.
 *                            `npm test` runs debian, then newest (run-wordpress-versions.mjs).
 *   E2E_WP_EXPECT_VERSION    the start WordPress's version must have (global-setup.ts checks)
 *   E2E_WP_MULTISITE=1       WordPress as a subdirectory network of two sites (global-setup.ts);
 *                            runs MULTISITE_SPECS only, which no other run has.
 *                            `npm test` runs it third, on debian (run-wordpress-versions.mjs).
 */

// The config is evaluated in the runner and again in every worker: choose the ports once, in the
// runner, and hand them down through the environment (workers inherit it).
const taken = new Set<string>();
async function choosePort(name: string): Promise<void> {
  if (!process.env[name]) {
    let port: string;
    do port = String(await freePort());
    while (taken.has(port));
    process.env[name] = port;
  }
  taken.add(process.env[name] as string);
}
await choosePort('E2E_WP_PORT');
await choosePort('E2E_SERVER_PORT');
await choosePort('E2E_EMBEDDED_SERVER_PORT');
// The servers' private ports (PRIVATE_PORT: /metrics and the read API).
await choosePort('E2E_SERVER_PRIVATE_PORT');
await choosePort('E2E_EMBEDDED_SERVER_PRIVATE_PORT');
process.env.E2E_WP_URL = `http://localhost:${process.env.E2E_WP_PORT}`;

const CI = Boolean(process.env.CI);
const STORE = process.env.E2E_STORE ?? 'redis';
const SMOKE = /\.smoke\.spec\.ts$/;
const WP_CORE = process.env.E2E_WP_CORE || process.env.VIP_PRESENCE_WP_CORE || 'debian';
process.env.E2E_WP_CORE = WP_CORE;
// On the newest WordPress, to keep `npm test` near 20 minutes on 2 cores: the specs where WordPress's
// own code matters most (themes and the front end, the block editor, admin list and dashboard) and
// the version check; every spec runs on the oldest (debian).
const NEWEST_SPECS = /\/(wordpress|presence|placements|block-editor|admin|readers-chart)\.spec\.ts$/;
const NEWEST = WP_CORE === 'newest';
// The specs that need a network (site-b beside the main site): run on a network only.
const MULTISITE_SPECS = /\/multisite\.spec\.ts$/;
const MULTISITE = process.env.E2E_WP_MULTISITE === '1';
// Results and report per run, so a run does not overwrite another's.
const RUN_DIR = `${/^[a-z]+$/.test(WP_CORE) ? WP_CORE : 'custom'}${MULTISITE ? '-multisite' : ''}`;

export default defineConfig<FixtureOptions>({
  testDir: './specs',
  outputDir: `./test-results/${RUN_DIR}`,
  globalSetup: './global-setup.ts',
  timeout: 60_000,
  globalTimeout: 30 * 60_000,
  expect: { timeout: 10_000 },
  // One Playground worker serves WordPress on 2 cores: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: `playwright-report/${RUN_DIR}` }]],
  use: {
    baseURL: process.env.E2E_WP_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: chromiumLaunchOptions(),
  },
  projects: [
    // Every spec against the main presence server (Redis + gc by default, E2E_STORE=memory: embedded).
    {
      name: STORE,
      ...(MULTISITE
        ? { testMatch: MULTISITE_SPECS }
        : { testIgnore: [SMOKE, MULTISITE_SPECS], ...(NEWEST ? { testMatch: NEWEST_SPECS } : {}) }),
      use: { ...devices['Desktop Chrome'] },
    },
    // The smoke spec again against a server on the embedded in-memory store (a second server of
    // the same run; readers get there through the helper plugin's cookie switch).
    ...(NEWEST || MULTISITE
      ? []
      : [
          {
            name: 'embedded-store',
            testMatch: SMOKE,
            use: { ...devices['Desktop Chrome'], presenceStore: 'embedded' as const },
          },
        ]),
  ],
});
