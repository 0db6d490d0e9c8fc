/*
 * Test fixtures for the vip-presence end-to-end suite.
 *   page / context   an anonymous reader: the cookie that stops the Playground runtime's auto-login
 *                    is set before the first request (no admin bar, not logged in)
 *   newReader()      another anonymous reader in its own browser context: a different visitor
 *                    (more tabs of one visitor: `await reader.context().newPage()`)
 *   adminPage        a page logged in as admin from its first request on (it starts with the
 *                    session of `requestUtils`, so no auto-login round trip)
 *   requestUtils     REST as admin: createPost(), createPage(), deletePost(), getPlugins(), rest()
 *   presenceServer   the main presence server: url, stop(), start() (same port, same Redis); a
 *                    test that leaves it stopped gets it started again after it
 *   presenceStore    option: 'default', or 'embedded' to send readers to the run's embedded-store
 *                    server (the "embedded-store" project sets it)
 * Every reader page records what its widgets showed (see support/presence.ts: widgetHistory()).
 * Console errors and uncaught page errors in any of these contexts fail the test; a test that
 * expects some lists them with test.use({ allowedConsoleErrors: [/pattern/] }).
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { RECORD_WIDGETS_SCRIPT } from './presence.js';
import { RequestUtils } from './request-utils.js';
import { callControl } from './stack-control.js';

export const NO_AUTO_LOGIN_COOKIE = { name: 'playground_auto_login_already_happened', value: '1' };
/** Read by the helper plugin: readers with it connect to the embedded-store server. */
export const EMBEDDED_SERVER_COOKIE = { name: 'vip_presence_e2e_server', value: 'embedded' };

export interface PresenceServerHandle {
  /** Base URL (http://127.0.0.1:<port>). */
  url: string;
  /** SIGTERM and wait for the exit: its viewers leave, readers' sockets drop. */
  stop(): Promise<void>;
  /** Start it again on the same port with the same options and Redis; resolves once healthy. */
  start(): Promise<void>;
}

export interface FixtureOptions {
  allowedConsoleErrors: (string | RegExp)[];
  presenceStore: 'default' | 'embedded';
}

interface TestFixtures extends FixtureOptions {
  consoleErrors: string[];
  newReader: () => Promise<Page>;
  adminPage: Page;
  presenceServer: PresenceServerHandle;
}

interface WorkerFixtures {
  requestUtils: RequestUtils;
}

function wpUrl(): string {
  const url = process.env.E2E_WP_URL;
  if (!url) throw new Error('E2E_WP_URL is not set: run the tests through playwright.config.ts');
  return url;
}

/** Collects console errors and uncaught errors of every page of `context` into `sink`. */
function watchConsole(context: BrowserContext, sink: string[], label: string): void {
  context.on('console', (message) => {
    if (message.type() === 'error') {
      const { url, lineNumber } = message.location();
      sink.push(
        `[${label}] console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`,
      );
    }
  });
  context.on('weberror', (webError) => {
    sink.push(`[${label}] uncaught: ${webError.error().stack ?? webError.error().message}`);
  });
}

/** Makes `context` an anonymous reader (of the embedded-store server when asked). */
async function setUpReader(
  context: BrowserContext,
  store: FixtureOptions['presenceStore'],
): Promise<void> {
  const cookies = [{ ...NO_AUTO_LOGIN_COOKIE, url: wpUrl() }];
  if (store === 'embedded') cookies.push({ ...EMBEDDED_SERVER_COOKIE, url: wpUrl() });
  await context.addCookies(cookies);
  await context.addInitScript(RECORD_WIDGETS_SCRIPT);
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  allowedConsoleErrors: [[], { option: true }],
  presenceStore: ['default', { option: true }],

  consoleErrors: [
    async ({ allowedConsoleErrors }, use) => {
      const errors: string[] = [];
      await use(errors);
      const unexpected = errors.filter(
        (error) =>
          !allowedConsoleErrors.some((allowed) =>
            typeof allowed === 'string' ? error.includes(allowed) : allowed.test(error),
          ),
      );
      expect(unexpected, 'console errors or uncaught page errors').toEqual([]);
    },
    { auto: true },
  ],

  context: async ({ context, consoleErrors, presenceStore }, use) => {
    await setUpReader(context, presenceStore);
    watchConsole(context, consoleErrors, 'reader');
    await use(context);
  },

  newReader: async ({ browser, contextOptions, consoleErrors, presenceStore }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ ...contextOptions, baseURL: wpUrl() });
      contexts.push(context);
      await setUpReader(context, presenceStore);
      watchConsole(context, consoleErrors, `reader ${contexts.length + 1}`);
      return context.newPage();
    });
    await Promise.all(contexts.map((context) => context.close()));
  },

  adminPage: async ({ browser, contextOptions, consoleErrors, requestUtils }, use) => {
    // The session of requestUtils (its auto-login and login cookies): logged in from the first
    // request, without the runtime's auto-login redirect.
    const context = await browser.newContext({
      ...contextOptions,
      baseURL: wpUrl(),
      storageState: await requestUtils.request.storageState(),
    });
    watchConsole(context, consoleErrors, 'admin');
    const page = await context.newPage();
    await use(page);
    await context.close();
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring
  presenceServer: async ({}, use) => {
    let stopped = false;
    await use({
      url: process.env.E2E_SERVER_URL ?? '',
      async stop() {
        await callControl('presence-server/stop');
        stopped = true;
      },
      async start() {
        await callControl('presence-server/start');
        stopped = false;
      },
    });
    // Never leave the next test without a server.
    if (stopped) await callControl('presence-server/start');
  },

  requestUtils: [
    // eslint-disable-next-line no-empty-pattern -- Playwright needs the destructuring
    async ({}, use) => {
      const utils = await RequestUtils.login(wpUrl());
      await use(utils);
      await utils.dispose();
    },
    { scope: 'worker' },
  ],
});

export { expect };
