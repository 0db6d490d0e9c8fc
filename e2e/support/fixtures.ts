/*
 * Test fixtures for the vip-presence end-to-end suite.
 *   page / context   an anonymous reader: the cookie that stops the Playground runtime's auto-login
 *                    is set before the first request (no admin bar, not logged in)
 *   newReader()      another anonymous reader in its own browser context: a different visitor
 *   adminPage        a page that is logged in as admin from its first request on (the runtime's
 *                    auto-login)
 *   requestUtils     REST as admin: createPost(), deletePost(), getPlugins(), rest()
 * Console errors and uncaught page errors in any of these contexts fail the test; a test that
 * expects some lists them with test.use({ allowedConsoleErrors: [/pattern/] }).
 */
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { RequestUtils } from './request-utils.js';

export const NO_AUTO_LOGIN_COOKIE = { name: 'playground_auto_login_already_happened', value: '1' };

interface TestFixtures {
  allowedConsoleErrors: (string | RegExp)[];
  consoleErrors: string[];
  newReader: () => Promise<Page>;
  adminPage: Page;
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

export const test = base.extend<TestFixtures, WorkerFixtures>({
  allowedConsoleErrors: [[], { option: true }],

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

  context: async ({ context, consoleErrors }, use) => {
    await context.addCookies([{ ...NO_AUTO_LOGIN_COOKIE, url: wpUrl() }]);
    watchConsole(context, consoleErrors, 'reader');
    await use(context);
  },

  newReader: async ({ browser, contextOptions, consoleErrors }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async () => {
      const context = await browser.newContext({ ...contextOptions, baseURL: wpUrl() });
      contexts.push(context);
      await context.addCookies([{ ...NO_AUTO_LOGIN_COOKIE, url: wpUrl() }]);
      watchConsole(context, consoleErrors, `reader ${contexts.length + 1}`);
      return context.newPage();
    });
    await Promise.all(contexts.map((context) => context.close()));
  },

  adminPage: async ({ browser, contextOptions, consoleErrors }, use) => {
    const context = await browser.newContext({ ...contextOptions, baseURL: wpUrl() });
    watchConsole(context, consoleErrors, 'admin');
    // No navigation here: the page's first request is auto-logged-in, whatever its URL.
    const page = await context.newPage();
    await use(page);
    await context.close();
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
