import {
  chromium,
  type Browser,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from 'playwright-core';
import { chromiumLaunchOptions } from '@vip-presence/test-kit';

/** Bound of every wait for something a page shows. */
export const WAIT_MS = 10_000;

/**
 * Real Chromium, headless (the test kit's executable and arguments). `backForwardCache`: let pages
 * enter the back-forward cache, which Playwright turns off by default.
 */
export function launchChromium({ backForwardCache = false } = {}): Promise<Browser> {
  return chromium.launch({
    ...chromiumLaunchOptions(),
    ignoreDefaultArgs: backForwardCache ? ['--disable-back-forward-cache'] : [],
    timeout: WAIT_MS,
  });
}

/** What a page shows, as recorded by the test page (see static-site.ts). */
export interface RecordedState {
  postId: number;
  count: number;
  others: number;
  self: boolean;
  views: number | null;
  status: string;
  error: { code: string; message: string } | null;
  /** `Date.now()` in the page when the callback ran. */
  at: number;
  /** `document.prerendering` when the callback ran. */
  prerendering: boolean;
}

/** A page of a post, with the errors and warnings it logged. */
export interface PostPage {
  page: Page;
  /** Uncaught exceptions: any fails the test. */
  pageErrors: Error[];
  /** `console.warn` messages. */
  warnings: string[];
}

export async function openPage(context: BrowserContext, url: string): Promise<PostPage> {
  const page = await context.newPage();
  const opened: PostPage = { page, pageErrors: [], warnings: [] };
  page.on('pageerror', (error) => opened.pageErrors.push(error));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'warning') opened.warnings.push(message.text());
  });
  await page.goto(url, { timeout: WAIT_MS });
  return opened;
}

/**
 * Waits until the page's latest state of `key` (`"12"` for a viewer of post 12, `"12:watch"`
 * for a watcher) has every field of `expected`; returns it.
 */
export async function waitForState(
  { page }: PostPage,
  key: string,
  expected: Partial<RecordedState> & { errorCode?: string },
  timeout = WAIT_MS,
): Promise<RecordedState> {
  try {
    await page.waitForFunction(
      ({ key, expected }) => {
        const state = (window as unknown as { presenceState: Record<string, RecordedState> })
          .presenceState[key];
        if (!state) return false;
        return Object.entries(expected).every(([field, value]) =>
          field === 'errorCode'
            ? state.error?.code === value
            : state[field as keyof RecordedState] === value,
        );
      },
      { key, expected },
      { timeout, polling: 20 },
    );
  } catch (error) {
    const last = await lastState({ page } as PostPage, key).catch(() => undefined);
    throw new Error(
      `page ${page.url()} did not show ${JSON.stringify(expected)} for "${key}" within ${timeout} ms; ` +
        `last: ${JSON.stringify(last)}`,
      { cause: error },
    );
  }
  return (await lastState({ page } as PostPage, key)) as RecordedState;
}

export function lastState({ page }: PostPage, key: string): Promise<RecordedState | undefined> {
  return page.evaluate(
    (key) =>
      (window as unknown as { presenceState: Record<string, RecordedState> }).presenceState[key],
    key,
  );
}

/** Every state the page recorded for `key`, oldest first. */
export function history({ page }: PostPage, key: string): Promise<RecordedState[]> {
  return page.evaluate(
    (key) =>
      (
        window as unknown as { presenceLog: Array<RecordedState & { key: string }> }
      ).presenceLog.filter((state) => state.key === key),
    key,
  );
}
