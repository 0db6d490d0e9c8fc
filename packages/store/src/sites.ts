import type { RedisClient } from './redis-connection.js';

/**
 * Sites (DESIGN 20): every count belongs to one. The default site (no name) keeps the base key
 * prefix, so an install that never names a site keeps its keys; a named site's keys, counts
 * channel and top-posts index live under `<prefix>:site:<site>`, so post 42 of two sites never
 * share a key. Site names are 1-64 characters of `[A-Za-z0-9_-]` (checked at the handshake).
 */
export function siteKeyPrefix(prefix: string, site?: string): string {
  return site === undefined ? prefix : `${prefix}:site:${site}`;
}

/** SET of the named sites that have had viewers: the gc sweeps each of them, and the default site. */
export function sitesKey(prefix: string): string {
  return `${prefix}:sites`;
}

/** The named sites the gc must sweep. */
export async function listSites(redis: RedisClient, prefix: string): Promise<string[]> {
  return (await redis.smembers(sitesKey(prefix))).sort();
}
