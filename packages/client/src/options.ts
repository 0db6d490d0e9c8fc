/** A warning sink; `console` by default. */
export interface PresenceLogger {
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
}

/**
 * Options of `createPresenceClient()` and `vipPresence.configure()`. The WordPress plugin prints
 * `url` and `tokens` as `window.vipPresenceSettings`; everything else has a default.
 */
export interface PresenceClientOptions {
  /**
   * The presence server, e.g. `"https://presence.example.com"`. Nothing connects until it is set.
   * @default undefined
   */
  url?: string;
  /**
   * Signed view tokens by post id (`{ "123": "v1.123.1767225600.sig" }`), as the plugin prints
   * them. Merged into the tokens already known.
   * @default {}
   */
  tokens?: Record<string, string>;
  /**
   * The WordPress route that gives fresh view tokens (`.../wp-json/vip-presence/v1/tokens`), as
   * the plugin prints it. When the server refuses a join with `token_expired` or `invalid_token`
   * (a page older than its token, served by a page cache), the SDK asks it once for a fresh token
   * and joins again. Without it, such a refusal is reported at once.
   * @default undefined
   */
  tokensUrl?: string;
  /**
   * The site the posts belong to (1-64 characters of `[A-Za-z0-9_-]`), as the plugin prints it:
   * the same post id on two sites sharing a server is two posts. A new site reconnects.
   * @default undefined (the server's default site)
   */
  site?: string;
  /**
   * Fall back to HTTP long-polling when a WebSocket cannot be opened (strict proxies). Polling
   * uses `fetch()` without cookies, so the sticky sessions it needs must go by client address.
   * Off by default: WebSocket only, no sticky sessions needed.
   * @default false
   */
  allowPolling?: boolean;
  /**
   * The Socket.IO path on the server.
   * @default "/socket.io/"
   */
  path?: string;
  /**
   * First delay before reconnecting (and before retrying a temporary refusal); doubles on each
   * attempt up to `reconnectDelayMaxMs`.
   * @default 1_000
   */
  reconnectDelayMs?: number;
  /**
   * Longest delay between two reconnection (or retry) attempts.
   * @default 10_000
   */
  reconnectDelayMaxMs?: number;
  /**
   * Random spread of every delay, 0 to 1 (0.5: between half and one and a half times the delay),
   * so that readers of a restarted server do not all come back at once.
   * @default 0.5
   */
  reconnectJitter?: number;
  /**
   * How long to wait for the server to answer an event before asking again.
   * @default 10_000
   */
  ackTimeoutMs?: number;
  /**
   * The `localStorage` key holding the visitor id (one id per browser, shared by its tabs).
   * @default "vipPresence.visitorId"
   */
  storageKey?: string;
  /**
   * Disconnect on `pagehide` (other readers see the leave at once, and the page can enter the
   * back-forward cache) and reconnect on `pageshow` when the page comes back from that cache.
   * @default true
   */
  leaveOnPageHide?: boolean;
  /**
   * How long a hidden tab (another tab in front, the window minimized) is still counted as
   * viewing its posts. After that it leaves them and only watches them, so its widgets keep
   * their counts; shown again, it joins them again at once. A visitor whose tabs on a post have
   * all been hidden that long is no longer among its readers; coming back within the server's
   * view window is no new view. Applies from the next time the tab is hidden. 0: never stop
   * counting a hidden tab.
   * @default 300_000 (5 minutes)
   */
  hiddenTimeoutMs?: number;
  /**
   * Where refusals (one warning each) and errors thrown by subscriber callbacks are reported.
   * @default console
   */
  logger?: PresenceLogger;
}

/** The options without `url`, `tokensUrl`, `site`, `tokens` and `logger`, all filled in. */
export type ConnectionOptions = Required<
  Omit<PresenceClientOptions, 'url' | 'tokensUrl' | 'site' | 'tokens' | 'logger'>
>;

export const DEFAULT_CLIENT_OPTIONS: Readonly<ConnectionOptions> = Object.freeze({
  // Transport
  allowPolling: false,
  path: '/socket.io/',
  ackTimeoutMs: 10_000,
  // Reconnection and retries
  reconnectDelayMs: 1_000,
  reconnectDelayMaxMs: 10_000,
  reconnectJitter: 0.5,
  // Page
  storageKey: 'vipPresence.visitorId',
  leaveOnPageHide: true,
  hiddenTimeoutMs: 300_000,
});
