import { defineConfig, devices } from '@playwright/test';
import { freePort } from '../scripts/lib/processes.mjs';

/*
 * End-to-end tests: Playwright with Debian's Chromium (no browser download on these machines)
 * against WordPress started by wp-env's Playground runtime and a presence server, both started by
 * global-setup.ts on free ports and stopped when the run ends.
 *
 * Environment:
 *   E2E_STORE=redis|memory   presence store: a throwaway redis-server + gc (default) or embedded
 *   E2E_SKIP_BUILD=1         do not run `npm run build` first
 *   CHROMIUM_PATH            browser executable (default /usr/bin/chromium)
 *   VIP_PRESENCE_WP_CORE     auto|debian|latest|PATH (see scripts/wp-env.mjs)
 */

// The config is evaluated in the runner and again in every worker: choose the ports once, in the
// runner, and hand them down through the environment (workers inherit it).
process.env.E2E_WP_PORT ||= String(await freePort());
process.env.E2E_SERVER_PORT ||= String(await freePort());
process.env.E2E_WP_URL = `http://localhost:${process.env.E2E_WP_PORT}`;

const CI = Boolean(process.env.CI);

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  globalSetup: './global-setup.ts',
  timeout: 60_000,
  globalTimeout: 30 * 60_000,
  expect: { timeout: 10_000 },
  // One Playground worker serves WordPress on 2 cores: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: process.env.E2E_WP_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    video: 'off',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
});
