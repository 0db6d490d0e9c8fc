/**
 * Fresh view tokens from the WordPress plugin's route (`tokensUrl`, DESIGN.md point 22): a page
 * served from a cache may carry a token that has expired since it was rendered.
 * `GET <tokensUrl>?posts=1,2` answers `{ tokens: { "1": "v1..." }, errors: { "2": {...} } }`,
 * or a 4xx JSON error when no post may have one.
 */

/** What `fetch()` resolves to, as far as this file reads it. */
export interface TokenResponse {
  status: number;
  json(): Promise<unknown>;
}

export interface TokenRefreshEnvironment {
  /** `fetch`, or `undefined` where there is none (then nothing is fetched). */
  fetch: ((url: string) => Promise<TokenResponse>) | undefined;
  /** Runs `fn` after `ms` (unless the client is closed by then). */
  later(ms: number, fn: () => void): void;
  /** The backoff delay before attempt `attempt + 1`. */
  delayMs(attempt: number): number;
}

/** Attempts per refresh: a network error or a 5xx/429 answer is tried again, after a backoff. */
export const TOKEN_REFRESH_ATTEMPTS = 3;

/**
 * Fetches fresh tokens of `postIds`, then calls `onToken` once per post with its new token, or
 * `undefined` when none came (no `tokensUrl`, a refusal, or every attempt failed).
 */
export function refreshTokens(
  tokensUrl: string | undefined,
  postIds: number[],
  env: TokenRefreshEnvironment,
  onToken: (postId: number, token: string | undefined) => void,
): void {
  const done = (tokens: Partial<Record<number, unknown>>) => {
    for (const postId of postIds) {
      const token = tokens[postId];
      onToken(postId, typeof token === 'string' ? token : undefined);
    }
  };
  const { fetch } = env;
  if (!tokensUrl || !fetch) return done({});
  const url = tokensUrl + (tokensUrl.includes('?') ? '&' : '?') + 'posts=' + postIds.join(',');
  const attempt = (n: number): void => {
    const failed = () =>
      n + 1 < TOKEN_REFRESH_ATTEMPTS ? env.later(env.delayMs(n), () => attempt(n + 1)) : done({});
    fetch(url).then((response) => {
      if (response.status >= 500 || response.status === 429) return failed();
      // A 4xx is the site's answer for good: no token for these posts.
      const body = response.status < 300 ? response.json() : Promise.resolve();
      return body.then((json) => {
        const tokens = (json as { tokens?: unknown } | undefined)?.tokens;
        done(typeof tokens === 'object' && tokens ? tokens : {});
      }, failed);
    }, failed); // `onToken` and `later` throw nothing: the client guards them
  };
  attempt(0);
}
