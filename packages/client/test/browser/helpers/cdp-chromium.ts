import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_ARGS, CHROMIUM_PATH, waitFor } from '@vip-presence/test-kit';
import { WAIT_MS, type RecordedState } from './browser.js';

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { message: string };
  sessionId?: string;
}

interface TargetInfo {
  targetId: string;
  type: string;
  subtype?: string;
  url: string;
}

/** The DevTools protocol over `--remote-debugging-pipe`: JSON messages ended by a NUL byte. */
class Connection {
  private lastId = 0;
  private readonly pending = new Map<
    number,
    { sessionId?: string; resolve(result: unknown): void; reject(error: Error): void }
  >();
  private readonly listeners = new Set<(message: Message) => void>();

  constructor(
    private readonly output: Writable,
    input: Readable,
  ) {
    let buffered = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      const parts = (buffered + chunk).split('\0');
      buffered = parts.pop() ?? '';
      for (const part of parts) this.receive(JSON.parse(part) as Message);
    });
  }

  /** Sends a command (to a target when `sessionId` is given); rejects after WAIT_MS. */
  send<T = Record<string, unknown>>(
    method: string,
    params: object = {},
    sessionId?: string,
  ): Promise<T> {
    const id = ++this.lastId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${WAIT_MS} ms`));
      }, WAIT_MS);
      this.pending.set(id, {
        sessionId,
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.output.write(JSON.stringify({ id, method, params, sessionId }) + '\0');
    });
  }

  on(listener: (message: Message) => void): void {
    this.listeners.add(listener);
  }

  private receive(message: Message): void {
    const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
    if (waiting) {
      this.pending.delete(message.id as number);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    }
    if (message.method === 'Target.detachedFromTarget') {
      // A page that went away (navigated from, or replaced by its prerender) answers no more.
      const { sessionId } = message.params as { sessionId: string };
      for (const [id, command] of this.pending) {
        if (command.sessionId !== sessionId) continue;
        this.pending.delete(id);
        command.reject(new Error('the page went away'));
      }
    }
    if (message.method) this.listeners.forEach((listener) => listener(message));
  }
}

/** A tab of the browser and the pages it holds (its document, and a prerendered one). */
export class CdpTab {
  /** Page target id -> its session and whether it is a prerender. */
  readonly pages = new Map<string, { sessionId: string; prerender: boolean }>();

  constructor(
    private readonly connection: Connection,
    readonly sessionId: string,
  ) {}

  /** The page the tab shows, or the one it prerenders. */
  private page(prerendered = false): { targetId: string; sessionId: string } {
    for (const [targetId, page] of this.pages) {
      if (page.prerender === prerendered) return { targetId, sessionId: page.sessionId };
    }
    throw new Error(`the tab has no ${prerendered ? 'prerendered' : 'shown'} page`);
  }

  /**
   * Evaluates `expression` (promises awaited) in the page the tab shows, or with `prerendered`
   * in the page it prerenders; returns its value.
   */
  async evaluate<T>(expression: string, { prerendered = false } = {}): Promise<T> {
    const { result, exceptionDetails } = await this.connection.send<{
      result: { value: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>(
      'Runtime.evaluate',
      { expression, returnByValue: true, awaitPromise: true },
      this.page(prerendered).sessionId,
    );
    if (exceptionDetails) {
      throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    }
    return result.value;
  }

  /** The latest state the test page recorded for `key` (see static-site.ts). */
  state(key: string): Promise<RecordedState | undefined> {
    return this.evaluate(`window.presenceState && presenceState[${JSON.stringify(key)}]`);
  }

  /** Waits until the page's latest state of `key` has every field of `expected`; returns it. */
  waitForState(
    key: string,
    expected: Partial<RecordedState>,
    timeoutMs = WAIT_MS,
  ): Promise<RecordedState> {
    return waitFor(
      async () => {
        const state = await this.state(key);
        const fields = Object.entries(expected) as Array<[keyof RecordedState, unknown]>;
        if (state && fields.every(([field, value]) => state[field] === value)) return state;
        throw new Error(`last: ${JSON.stringify(state)}`);
      },
      { timeoutMs, intervalMs: 20, what: `state ${JSON.stringify(expected)} of "${key}"` },
    );
  }

  /** Brings the tab to the front of its window: the tab that was there is hidden. */
  async activate(): Promise<void> {
    await this.connection.send('Target.activateTarget', { targetId: this.page().targetId });
  }
}

export interface CdpChromium {
  /** Opens `url` in a new tab of the browser's window, in front of the others. */
  newTab(url: string): Promise<CdpTab>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium (the test kit's executable and arguments) driven over the DevTools protocol
 * by hand, for what Playwright's sessions keep from happening:
 * - A Speculation Rules prerender. Chromium prerenders nothing for a DevTools client attached to
 *   pages without tab targets (`PrerenderingDisabledByDevTools`), as Playwright attaches; this
 *   client attaches to tabs first, as Puppeteer does. Headless Chromium needs no flag for it.
 * - Real visibility. Playwright emulates focus on every page, and Chromium then keeps the page
 *   visible whatever happens to its tab; here a tab behind another tab of its window is hidden,
 *   with `visibilitychange` and the throttling browsers give hidden tabs.
 * One profile: every tab is the same visitor.
 */
export async function launchCdpChromium(): Promise<CdpChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'vip-presence-cdp-'));
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connection = new Connection(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const tabs = new Map<string, CdpTab>();

  connection.on(({ method, params, sessionId }) => {
    if (method === 'Target.attachedToTarget') {
      const attached = params as { sessionId: string; targetInfo: TargetInfo };
      const { targetInfo } = attached;
      if (targetInfo.type === 'tab') {
        tabs.set(attached.sessionId, new CdpTab(connection, attached.sessionId));
        // The tab's pages, its prerendered ones included.
        void connection.send(
          'Target.setAutoAttach',
          { autoAttach: true, waitForDebuggerOnStart: false, flatten: true },
          attached.sessionId,
        );
      } else if (sessionId && targetInfo.type === 'page') {
        tabs.get(sessionId)?.pages.set(targetInfo.targetId, {
          sessionId: attached.sessionId,
          prerender: targetInfo.subtype === 'prerender',
        });
      }
    } else if (method === 'Target.detachedFromTarget' && sessionId) {
      tabs.get(sessionId)?.pages.delete((params as { targetId: string }).targetId);
    } else if (method === 'Target.targetInfoChanged') {
      // A prerendered page that is shown is its tab's page from now on.
      const { targetInfo } = params as { targetInfo: TargetInfo };
      for (const tab of tabs.values()) {
        const page = tab.pages.get(targetInfo.targetId);
        if (page) page.prerender = targetInfo.subtype === 'prerender';
      }
    }
  });

  try {
    await connection.send('Target.setDiscoverTargets', { discover: true });
    await connection.send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: false,
      flatten: true,
      filter: [{ type: 'tab' }],
    });
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }

  return {
    async newTab(url) {
      const { targetId } = await connection.send<{ targetId: string }>('Target.createTarget', {
        url,
        newWindow: false,
      });
      const tab = await waitFor(
        () => [...tabs.values()].find((candidate) => candidate.pages.has(targetId)),
        { timeoutMs: WAIT_MS, intervalMs: 20, what: `the tab of ${url}` },
      );
      const loaded = 'location.href !== "about:blank" && document.readyState === "complete"';
      await waitFor(() => tab.evaluate(loaded), {
        timeoutMs: WAIT_MS,
        intervalMs: 20,
        what: `${url} loaded`,
      });
      return tab;
    },
    async close() {
      await connection.send('Browser.close').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), WAIT_MS);
      await exited;
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
