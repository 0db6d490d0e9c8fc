import { isPostId } from '@vip-presence/protocol';
import type { PresenceClientOptions } from './options.js';

/**
 * What the WordPress plugin prints before the SDK:
 * `window.vipPresenceSettings = { url: "https://presence.example.com", tokens: { "123": "v1..." },
 * tokensUrl: "https://example.com/wp-json/vip-presence/v1/tokens" }`.
 * Any other option of `PresenceClientOptions` may be printed too.
 */
export type PresenceSettings = PresenceClientOptions;

/**
 * Reads settings that come from outside TypeScript (a printed global, a theme's `configure`
 * call) without throwing: a `url` or `tokensUrl` that is no absolute URL and tokens that are
 * no strings are left out (returned in `ignored`); the other options are taken as they are.
 */
export function normalizeSettings(raw: unknown): {
  options: PresenceClientOptions;
  ignored: string[];
} {
  const options: PresenceClientOptions = { ...(typeof raw === 'object' ? raw : {}) };
  const ignored: string[] = [];
  const { tokens } = options;
  for (const key of ['url', 'tokensUrl'] as const) {
    const value = options[key];
    const pattern = key === 'url' ? /^(https?|wss?):\/\/\S+$/i : /^https?:\/\/\S+$/i;
    if (value !== undefined && !(typeof value === 'string' && pattern.test(value))) {
      ignored.push(key);
      delete options[key];
    }
  }
  options.tokens = {};
  for (const postId in tokens) {
    if (toPostId(postId) && typeof tokens[postId] === 'string')
      options.tokens[postId] = tokens[postId];
    else ignored.push('tokens.' + postId);
  }
  return { options, ignored };
}

/**
 * A post id as a theme may pass it: a number, or a string of digits from a `data-` attribute.
 * Returns `undefined` when it is not a WordPress post id.
 */
export function toPostId(value: unknown): number | undefined {
  const id = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return isPostId(id) ? id : undefined;
}
