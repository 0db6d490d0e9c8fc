import { ErrorCodes, Events, isErrorCode, isVisitorId } from '@vip-presence/protocol';
import { io } from 'socket.io-client';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { ClientEnvironment, PresenceSocket } from './client-environment.js';
import { commandMessage } from './command-message.js';
import {
  DEFAULT_CLIENT_OPTIONS,
  type ConnectionOptions,
  type PresenceClientOptions,
  type PresenceLogger,
} from './options.js';
import { watchPageLifecycle } from './page-lifecycle.js';
import {
  createPresenceCore,
  TEMPORARY_ERROR_CODES,
  type Command,
  type InterestKind,
} from './presence-core.js';
import { normalizeSettings, toPostId } from './settings.js';
import { createReporting } from './reporting.js';
import { refreshTokens } from './token-refresh.js';
import type {
  PresenceCallback,
  PresenceClient,
  PresenceState,
  SubscribeOptions,
  Unsubscribe,
} from './types.js';
import { VERSION } from './version.js';
import { browserStorage, loadVisitorId } from './visitor-id.js';

export type { ClientEnvironment, PresenceSocket } from './client-environment.js';
export type { PresenceClient } from './types.js';

interface Subscription {
  postId: number;
  kind: InterestKind;
  callback: PresenceCallback;
  /** What the callback was last given (JSON). */
  last?: string;
}

const NOOP: Unsubscribe = () => undefined;

/**
 * Creates a presence client: one socket for the page, however many subscriptions.
 * Nothing connects before the first `subscribe` and a `url`.
 */
export function createPresenceClient(options: PresenceClientOptions = {}): PresenceClient {
  return createPresenceClientWith(options, {
    connect: io as ClientEnvironment['connect'],
    page: typeof window === 'undefined' ? undefined : window,
    storage: browserStorage(),
    getRandomValues: (array) => crypto.getRandomValues(array),
    random: Math.random,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    nextTask: (callback) => void setTimeout(callback, 0),
    fetch: typeof fetch === 'function' ? (href) => fetch(href) : undefined,
  });
}

/** @internal `createPresenceClient` with its surroundings given (tests). */
export function createPresenceClientWith(
  initial: PresenceClientOptions,
  env: ClientEnvironment,
): PresenceClient {
  let url: string | undefined;
  let site: string | undefined;
  let tokensUrl: string | undefined;
  let logger: PresenceLogger = console;
  let settings: ConnectionOptions = { ...DEFAULT_CLIENT_OPTIONS };
  /** Getters: `configure()` applies to the next delay. */
  const backoff: BackoffOptions = {
    get baseMs() {
      return settings.reconnectDelayMs;
    },
    get maxMs() {
      return settings.reconnectDelayMaxMs;
    },
    get jitter() {
      return settings.reconnectJitter;
    },
  };
  const core = createPresenceCore(backoff, env.random);
  const subscriptions = new Map<number, Subscription>();
  let lastSubscriptionId = 0;
  let socket: PresenceSocket | undefined;
  let visitorId: string | undefined;
  let closed = false;
  /** In the back-forward cache: no socket and no reconnection until the page is shown again. */
  let suspended = false;
  /** Prerendered (Speculation Rules) and not shown yet: nobody reads it, so nothing connects. */
  let prerendering = false;
  /** Counts the page's visibility changes: a hidden timer is stale once another came. */
  let shownOrHidden = 0;
  let flushQueued = false;
  let reconnectAttempts = 0;
  let openQueued = false;

  const { report, warnOnce, guard } = createReporting(() => logger);

  /** Runs `fn` after `ms`, unless the client is closed by then. */
  function later(ms: number, fn: () => void): void {
    env.setTimeout(
      guard(() => {
        if (!closed) fn();
      }),
      ms,
    );
  }

  // ------------------------------------------------------------------ the loop

  function scheduleFlush(): void {
    if (flushQueued || closed) return;
    flushQueued = true;
    queueMicrotask(flush);
  }

  const flush = guard(() => {
    flushQueued = false;
    if (closed) return;
    if (subscriptions.size && !url) {
      warnOnce('url', 'no server url: print window.vipPresenceSettings or call configure({ url })');
    }
    openSocketSoon();
    const { commands, retries, refusals, refreshes } = core.drain();
    commands.forEach(send);
    if (refreshes.length) refreshTokens(tokensUrl, refreshes, refreshEnv, onRefreshedToken);
    retries.forEach((retry) =>
      later(retry.delayMs, () => {
        core.retryDue(retry);
        scheduleFlush();
      }),
    );
    for (const { postId, kind, error } of refusals) {
      warnOnce(
        postId + error.code,
        `the server refused to ${kind === 'view' ? 'join' : 'watch'} post ${postId} (${error.code}): ${error.message}`,
      );
    }
    // Tell each subscriber what changed; a callback may unsubscribe others meanwhile.
    subscriptions.forEach((subscription, id) => {
      const state = core.snapshot(subscription.postId, subscription.kind);
      const key = JSON.stringify(state);
      if (!subscriptions.has(id) || key === subscription.last) return;
      subscription.last = key;
      try {
        subscription.callback(JSON.parse(key) as PresenceState);
      } catch (error) {
        report('error', `a callback of post ${subscription.postId} threw`, error);
      }
    });
  });

  const refreshEnv = {
    fetch: env.fetch,
    later,
    delayMs: (attempt: number) => backoffDelay(attempt, backoff, env.random),
  };
  const onRefreshedToken = guard((postId: number, token: string | undefined) => {
    core.tokenRefreshed(postId, token);
    scheduleFlush();
  });

  // ------------------------------------------------------------------ the socket

  /**
   * Opens the socket in tasks of its own, one step each: the visitor id is read (the page's first
   * use of localStorage, which the browser loads then: 1-4 ms here) in the next task, the socket is
   * made in the one after, and it connects (its WebSocket) in the next. Done in the task of the
   * page script that subscribed, the steps together made a long task (50 ms and more on a phone's
   * CPU, Lighthouse's mobile preset) that holds up the page's input; apart, none is
   * (packages/bench/page-weight.md).
   */
  function openSocketSoon(): void {
    if (openQueued || !mayOpen()) return;
    openQueued = true;
    env.nextTask(
      guard(() => {
        openQueued = false;
        if (!mayOpen()) return;
        if (visitorId === undefined) {
          visitorId = loadVisitorId(env.storage, settings.storageKey, env.getRandomValues);
          openSocketSoon();
          return;
        }
        openSocket();
        scheduleFlush();
      }),
    );
  }

  function mayOpen(): boolean {
    return !socket && !closed && !suspended && !prerendering && !!url && subscriptions.size > 0;
  }

  function openSocket(): void {
    if (!mayOpen() || !url) return;
    const created = (socket = env.connect(url, {
      path: settings.path,
      transports: settings.allowPolling ? ['websocket', 'polling'] : ['websocket'],
      tryAllTransports: settings.allowPolling,
      reconnectionDelay: settings.reconnectDelayMs,
      reconnectionDelayMax: settings.reconnectDelayMaxMs,
      randomizationFactor: settings.reconnectJitter,
      // A function: every (re)connection sends the id the page holds then.
      auth: (callback: (data: object) => void) => callback({ visitorId, site }),
      // Connected in a task of its own, below (see openSocketSoon()).
      autoConnect: false,
    }));
    env.nextTask(
      guard(() => {
        if (socket === created && !closed && !suspended) created.connect();
      }),
    );
    const on = (event: string, listener: (arg: never) => void) =>
      created.on(
        event,
        guard((arg: never) => {
          if (socket === created) listener(arg);
          scheduleFlush();
        }),
      );
    on('connect', () => {
      reconnectAttempts = 0;
      core.online();
    });
    on('disconnect', (reason: string) => {
      core.offline();
      // The server closed this socket on purpose: socket.io-client does not come back by itself.
      if (reason === 'io server disconnect') reconnectLater();
    });
    on('connect_error', (err?: { message?: string; data?: { code?: unknown } }) => {
      const code = err?.data?.code;
      if (!isErrorCode(code) || created.active) {
        core.offline(); // network trouble: socket.io-client retries with backoff and jitter
      } else if (code === ErrorCodes.Unavailable) {
        core.offline(); // the server is shutting down: like a network error
        reconnectLater();
      } else {
        // Refused by the server's handshake checks; socket.io-client gives up by itself.
        core.refused({ code, message: String(err?.message) });
        warnOnce(code, `the server refused the connection (${code}): ${err?.message}`);
        if (TEMPORARY_ERROR_CODES.has(code)) reconnectLater();
      }
    });
    on(Events.Count, (payload: unknown) => core.applyCount(payload));
  }

  function reconnectLater(): void {
    const target = socket;
    later(backoffDelay(reconnectAttempts++, backoff, env.random), () => {
      if (socket === target && !suspended && !target?.connected) target?.connect();
    });
  }

  /** Drops the socket; the server forgets everything it held for it. */
  function dropSocket(): void {
    const old = socket;
    socket = undefined;
    core.offline(); // first: the acks the disconnect cancels belong to the old epoch
    old?.disconnect();
  }

  function send(command: Command): void {
    socket?.timeout(settings.ackTimeoutMs).emit(
      ...commandMessage(command),
      guard((err: unknown, response: unknown) => {
        core.applyAck(command, err ? undefined : response);
        scheduleFlush();
      }),
    );
  }

  // ------------------------------------------------------------------ the page

  /**
   * The page was shown or hidden (or is prerendered). Shown: counted again at once. Hidden: still
   * counted for `hiddenTimeoutMs`, then only watching. A browser may run that timer late in a
   * hidden tab: that only delays the leave.
   */
  const view = guard(() => {
    const doc = env.page?.document;
    const hidden = doc?.visibilityState === 'hidden';
    const change = ++shownOrHidden;
    prerendering = doc?.prerendering === true;
    if (!hidden) core.setAway(false);
    else if (settings.hiddenTimeoutMs > 0) {
      later(settings.hiddenTimeoutMs, () => {
        if (change !== shownOrHidden) return;
        core.setAway(true);
        scheduleFlush();
      });
    }
    scheduleFlush();
  });

  const unwatchPage =
    env.page &&
    watchPageLifecycle(env.page, {
      hide: guard(() => {
        if (!settings.leaveOnPageHide) return;
        // Leave now so that other readers see it at once; a page without an open socket may
        // also enter the back-forward cache.
        suspended = true;
        dropSocket();
        scheduleFlush();
      }),
      restore: guard(() => {
        if (!suspended) return;
        suspended = false;
        scheduleFlush(); // a new socket, everything rejoined
      }),
      storage: guard((key, value) => {
        // Two tabs opened at once may each have made an id: the last one written wins.
        if (key !== settings.storageKey || !isVisitorId(value) || !visitorId || value === visitorId)
          return;
        visitorId = value;
        if (socket) {
          dropSocket();
          scheduleFlush();
        }
      }),
      view,
    });

  // ------------------------------------------------------------------ the API

  const configure = guard((raw: PresenceClientOptions) => {
    if (closed) return;
    const { options, ignored } = normalizeSettings(raw);
    if (ignored.length) warnOnce('settings' + ignored, 'malformed settings ignored: ' + ignored);
    const {
      url: nextUrl,
      site: nextSite,
      tokensUrl: nextTokensUrl,
      tokens,
      logger: nextLogger,
      ...rest
    } = options;
    tokensUrl = nextTokensUrl ?? tokensUrl;
    if (nextLogger) logger = nextLogger;
    for (const postId in tokens) core.setToken(Number(postId), tokens[postId] as string);
    // Connection options apply to the next connection; a new url or site reconnects now.
    settings = { ...settings, ...rest };
    if (socket && ((nextUrl && nextUrl !== url) || (nextSite && nextSite !== site))) dropSocket();
    url = nextUrl ?? url;
    site = nextSite ?? site;
    scheduleFlush();
  });

  function subscribe(
    rawPostId: number | string,
    callback: PresenceCallback,
    options?: SubscribeOptions,
  ): Unsubscribe {
    const postId = toPostId(rawPostId);
    if (typeof callback !== 'function' || closed) {
      warnOnce('callback', 'subscribe() needs a callback (and a client not closed)');
      return NOOP;
    }
    if (!postId) {
      // Told like any refusal: once to the console, and to the callback as an `error` state.
      const error = { code: ErrorCodes.InvalidPayload, message: `${rawPostId} is not a post id` };
      warnOnce('postId' + rawPostId, 'subscribe(): ' + error.message);
      queueMicrotask(
        guard(() =>
          callback({
            postId: 0,
            count: 0,
            others: 0,
            self: false,
            views: null,
            status: 'error',
            error,
          }),
        ),
      );
      return NOOP;
    }
    const kind: InterestKind = options?.count === false ? 'watch' : 'view';
    if (typeof options?.token === 'string' && options.token) core.setToken(postId, options.token);
    const id = ++lastSubscriptionId;
    subscriptions.set(id, { postId, kind, callback });
    core.addInterest(postId, kind);
    scheduleFlush();
    return guard(() => {
      if (!subscriptions.delete(id)) return;
      core.removeInterest(postId, kind);
      scheduleFlush();
    });
  }

  configure(initial);
  view();

  return {
    configure,
    subscribe(postId, callback, options) {
      try {
        return subscribe(postId, callback, options);
      } catch (error) {
        report('error', 'internal error', error);
        return NOOP;
      }
    },
    getStatus: core.status,
    close: guard(() => {
      if (closed) return;
      dropSocket();
      closed = true;
      subscriptions.clear();
      unwatchPage?.();
    }),
    version: VERSION,
  };
}
